-- Internals of the hierarchy and budgets (sql/schema/0050_hierarchy.sql,
-- 0051_budgets.sql): argument checks, budget periods, and the triggers that
-- keep budget_subjects, the one-probe index of a charge, in step with
-- team_memberships and budgets.

create or replace function litellm._check_hierarchy_id(value text, argument text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if value is null or btrim(value) = '' then
        raise exception using
            errcode = 'LD054',
            message = format('%s is required', argument),
            hint = 'Pass the gateway''s stable id (for example LiteLLM''s team_id or organization_id).';
    end if;
    return litellm._check_text(value, argument, 255);
end
$$;

comment on function litellm._check_hierarchy_id(text, text) is
'Rejects a NULL or blank organisation, team or model name with LD054 and one over 255 characters with LD007; '
'returns it unchanged.';

create or replace function litellm._budget_args_to_check(
    user_id text, amount numeric, team_id text, model text, kind text, tags text[]
)
returns boolean
language sql
immutable
security invoker
begin atomic
    -- NaN compares above every number, so it fails the upper bound.
    select
        user_id is null or length(user_id) > 255 or btrim(user_id) = ''  -- noqa: RF01
        or amount is null or not (amount >= 0 and amount < 1e14 and amount = round(amount, 6))  -- noqa: RF01
        or length(team_id) > 255 or length(model) > 255  -- noqa: RF01
        or kind is null or kind not in ('charge', 'hold', 'release', 'settle', 'refund')  -- noqa: RF01
        or cardinality(tags) > 0;  -- noqa: RF01
end;

comment on function litellm._budget_args_to_check(text, numeric, text, text, text, text[]) is
'Whether the arguments of _apply_budgets() need _check_budget_args(): one is outside what it accepts, or tags are '
'given (to be checked and collected). A plain expression the planner inlines, so a charge without tags calls no '
'check.';

create or replace function litellm._check_budget_args(
    user_id text, amount numeric, team_id text, model text, kind text, tags text[]
)
returns text[]
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    perform litellm._check_user_id(user_id);
    perform litellm._check_amount(amount, 'amount', true);
    if length(model) > 255 or length(team_id) > 255 then
        raise exception using
            errcode = 'LD007',
            message = format('%s is longer than 255 characters', case when length(team_id) > 255 then 'team_id' else 'model' end);
    end if;
    if kind is null or kind not in ('charge', 'hold', 'release', 'settle', 'refund') then
        raise exception using
            errcode = 'LD050',
            message = format('unknown budget operation %s', coalesce(quote_literal(left(kind, 300)), 'NULL')),
            hint = 'kind is charge, hold, release, settle or refund.';
    end if;
    if tags is null or cardinality(tags) = 0 then
        return null;
    end if;
    if cardinality(tags) > 16
       or exists (
           select from unnest(tags) as t (tag)
           where t.tag is null or btrim(t.tag) = '' or length(t.tag) > 255
       ) then
        raise exception using
            errcode = 'LD050',
            message = 'tags must be at most 16 non-blank texts of at most 255 characters',
            detail = format('tags: %s', left(tags::text, 300));
    end if;
    return array(select distinct t.tag from unnest(tags) as t (tag));
end
$$;

comment on function litellm._check_budget_args(text, numeric, text, text, text, text[]) is
'Raises the error _apply_budgets() documents for the first argument out of bounds: LD004 (user_id), LD001 (amount), '
'LD007 (team_id or model over 255 characters), LD050 (an unknown kind; more than 16 tags, or a NULL, blank or '
'over-long tag). Returns the distinct tags, NULL for none.';

create or replace function litellm._charge_team(team_id text, subject litellm.budget_subjects)
returns text
language sql
immutable
security invoker
begin atomic
    select coalesce(team_id, subject.primary_team_id);  -- noqa: RF01
end;

comment on function litellm._charge_team(text, litellm.budget_subjects) is
'The team whose budgets a charge counts against: team_id when the caller names one, else the primary team of the '
'user''s budget subject (NULL for none).';

create or replace function litellm._budget_period_start(period text, instant timestamptz)
returns date
language sql
immutable
security invoker
begin atomic
    select case period
        when 'daily' then (instant at time zone 'UTC')::date
        when 'weekly' then date_trunc('week', instant at time zone 'UTC')::date
        when 'monthly' then date_trunc('month', instant at time zone 'UTC')::date
        when 'none' then '-infinity'::date
    end;
end;

comment on function litellm._budget_period_start(text, timestamptz) is
'First day (UTC) of the budget period containing instant: the day, the Monday of its ISO week, the first of its '
'month; -infinity for period none.';

create or replace function litellm._budget_period_end(period text, period_start date)
returns date
language sql
immutable
security invoker
begin atomic
    select case period
        when 'daily' then period_start + 1
        when 'weekly' then period_start + 7
        when 'monthly' then (period_start + interval '1 month')::date
    end;
end;

comment on function litellm._budget_period_end(text, date) is
'The day after the last day of the period starting period_start (exclusive end); NULL for period none.';

create or replace function litellm._budget_level_name(level text, model text)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
begin atomic
    select case when model is null then level else 'model:' || model end;
end;

comment on function litellm._budget_level_name(text, text) is
'The level a refusal names: user, membership, team or organization, or model:<name> for a per-model budget.';

create or replace function litellm._sync_budget_subject(user_id text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_primary text;
    v_member boolean;
    v_user_budgets boolean;
    v_membership_budgets boolean;
begin
    -- One recomputation per user at a time. In READ COMMITTED each statement
    -- below takes a new snapshot, so it sees every change committed by the
    -- transactions that held this lock before.
    perform litellm._lock('member:' || _sync_budget_subject.user_id);

    select m.team_id into v_primary
    from litellm.team_memberships as m
    where m.user_id = _sync_budget_subject.user_id and m.is_primary;
    v_member := exists (
        select from litellm.team_memberships as m where m.user_id = _sync_budget_subject.user_id
    );
    v_user_budgets := exists (
        select from litellm.budgets as b
        where b.level = 'user' and b.user_id = _sync_budget_subject.user_id and b.active
    );
    v_membership_budgets := exists (
        select from litellm.budgets as b
        where b.level = 'membership' and b.user_id = _sync_budget_subject.user_id and b.active
    );

    if v_member or v_user_budgets or v_membership_budgets then
        insert into litellm.budget_subjects as s (user_id, primary_team_id, has_user_budgets, has_membership_budgets)
        values (_sync_budget_subject.user_id, v_primary, v_user_budgets, v_membership_budgets)
        on conflict on constraint budget_subjects_pkey do update
        set primary_team_id = excluded.primary_team_id,
            has_user_budgets = excluded.has_user_budgets,
            has_membership_budgets = excluded.has_membership_budgets
        where (s.primary_team_id, s.has_user_budgets, s.has_membership_budgets)
              is distinct from (excluded.primary_team_id, excluded.has_user_budgets, excluded.has_membership_budgets);
    else
        delete from litellm.budget_subjects as s where s.user_id = _sync_budget_subject.user_id;
    end if;
end
$$;

comment on function litellm._sync_budget_subject(text) is
'Recomputes the user''s budget_subjects row (primary team, whether user or membership budgets exist) from '
'team_memberships and budgets; deletes it when there is nothing to record. Serialised per user by the lock '
'member:<user_id> (litellm._lock).';

create or replace function litellm._team_memberships_sync_subject()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op <> 'INSERT' then
        perform litellm._sync_budget_subject(old.user_id);
    end if;
    if tg_op <> 'DELETE' then
        perform litellm._sync_budget_subject(new.user_id);
    end if;
    return null;
end
$$;

comment on function litellm._team_memberships_sync_subject() is
'Trigger function: keeps budget_subjects in step with team_memberships.';

create or replace trigger team_memberships_sync_subject
after insert or update or delete on litellm.team_memberships
for each row execute function litellm._team_memberships_sync_subject();

create or replace function litellm._budgets_sync_subject()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op <> 'INSERT' and old.level in ('user', 'membership') then
        perform litellm._sync_budget_subject(old.user_id);
    end if;
    if tg_op <> 'DELETE' and new.level in ('user', 'membership') then
        perform litellm._sync_budget_subject(new.user_id);
    end if;
    return null;
end
$$;

comment on function litellm._budgets_sync_subject() is
'Trigger function: keeps budget_subjects in step with user and membership budgets.';

create or replace trigger budgets_sync_subject
after insert or update or delete on litellm.budgets
for each row execute function litellm._budgets_sync_subject();
