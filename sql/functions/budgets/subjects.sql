-- Whom a charge counts against: the team it is made in and the budgets that
-- apply to it.

create or replace function litellm._charge_team_of(user_id text, team_id text)
returns table (charge_team text)
language sql
stable
security invoker
begin atomic
    select litellm._charge_team(_charge_team_of.team_id, s)  -- noqa: RF01
    from (values (true)) as one (x)
    left join litellm.budget_subjects as s on s.user_id = _charge_team_of.user_id;  -- noqa: RF01
end;

comment on function litellm._charge_team_of(text, text) is
'One row: the team a charge of user_id is made in, team_id when given, else the user''s primary team (NULL for '
'none). Read it as (select t.charge_team from litellm._charge_team_of(user_id, team_id) as t): the planner inlines '
'it. Store it with a hold so that its release and settlement name the same team.';

create or replace function litellm._subject_budgets(
    user_id text,
    team_id text,
    organization_id text,
    user_budgets boolean,
    membership_budgets boolean
)
returns table (
    budget_id bigint,
    level text,
    model text,
    period text,
    hard_limit numeric,
    soft_thresholds numeric[],
    lock_rank integer,
    shares smallint
)
language sql
stable
begin atomic
    select
        b.budget_id,
        b.level,
        b.model,
        b.period,
        b.hard_limit,
        b.soft_thresholds,
        b.lock_rank,
        b.shares
    from (
        select
            b1.*,
            1 as lock_rank
        from litellm.budgets as b1
        where
            _subject_budgets.user_budgets and b1.level = 'user'  -- noqa: RF01
            and b1.user_id = _subject_budgets.user_id  -- noqa: RF01
        union all
        select
            b2.*,
            2 as lock_rank
        from litellm.budgets as b2
        where
            _subject_budgets.membership_budgets and b2.level = 'membership'  -- noqa: RF01
            and b2.user_id = _subject_budgets.user_id  -- noqa: RF01
            and b2.team_id = _subject_budgets.team_id  -- noqa: RF01
        union all
        select
            b3.*,
            3 as lock_rank
        from litellm.budgets as b3
        where b3.level = 'team' and b3.team_id = _subject_budgets.team_id  -- noqa: RF01
        union all
        select
            b4.*,
            4 as lock_rank
        from litellm.budgets as b4
        where b4.level = 'organization' and b4.organization_id = _subject_budgets.organization_id  -- noqa: RF01
    ) as b
    where b.active;
end;

comment on function litellm._subject_budgets(text, text, text, boolean, boolean) is
'The active budgets that apply to user_id in team_id (of organization_id), for every model: the user''s (when '
'user_budgets), the membership''s (when membership_budgets), the team''s and the organisation''s. lock_rank (1 user, '
'2 membership, 3 team, 4 organisation) then budget_id is the order in which their counters are locked, everywhere '
'(the rows of a split budget, shares > 1, in share order).';

create or replace function litellm._budgets_applying(
    user_id text,
    team_id text,
    organization_id text,
    charge_model text,
    user_budgets boolean,
    membership_budgets boolean
)
returns table (
    budget_id bigint,
    level text,
    model text,
    period text,
    hard_limit numeric,
    soft_thresholds numeric[],
    lock_rank integer,
    shares smallint
)
language sql
stable
begin atomic
    select
        b.budget_id,
        b.level,
        b.model,
        b.period,
        b.hard_limit,
        b.soft_thresholds,
        b.lock_rank,
        b.shares
    from
        litellm._subject_budgets(
            _budgets_applying.user_id,  -- noqa: RF01
            _budgets_applying.team_id,  -- noqa: RF01
            _budgets_applying.organization_id,  -- noqa: RF01
            _budgets_applying.user_budgets,  -- noqa: RF01
            _budgets_applying.membership_budgets  -- noqa: RF01
        ) as b
    where b.model is null or b.model = _budgets_applying.charge_model;  -- noqa: RF01
end;

comment on function litellm._budgets_applying(text, text, text, text, boolean, boolean) is
'The active budgets a charge of user_id in team_id (of organization_id) for charge_model applies to: those of '
'_subject_budgets() for all models or for charge_model, in the same lock_rank.';
