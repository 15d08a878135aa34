-- Test-only helpers, loaded into the template database after the package.
-- They live in their own schema so no test depends on the package exposing them.

create schema if not exists litellm_test;

-- A user holding exactly `credits`, bought through the API.
create or replace function litellm_test.funded_user(uid text, credits numeric)
returns text
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    perform litellm.add_user_credits(uid, credits, 'purchase', 'test', null, null, 'fixture');
    return uid;
end
$$;

-- Journal rows written for one user, for "nothing was written" assertions.
create or replace function litellm_test.journal_count(uid text)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select count(*) from litellm.credit_transactions as t where t.user_id = uid;
$$;

-- Time travel for expiry tests: now() is fixed inside a transaction, so a
-- test makes the user's expiring lots and live holds expire "a second ago".
create or replace function litellm_test.age_past_expiry(uid text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    update litellm.credit_lots as l
    set expires_at = pg_catalog.now() - interval '1 second'
    where l.user_id = uid and l.expires_at is not null and l.remaining > 0;
    update litellm.credit_holds as h
    set expires_at = pg_catalog.now() - interval '1 second'
    where h.user_id = uid and h.status = 'held';
    update litellm.user_credits as uc
    set next_expiry_at = pg_catalog.now() - interval '1 second'
    where uc.user_id = uid;
end
$$;

-- Pretend the user's month counter belongs to last month.
create or replace function litellm_test.age_one_month(uid text)
returns void
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
    update litellm.user_credits as uc
    set month_start = (uc.month_start - interval '1 month')::date
    where uc.user_id = uid;
$$;

-- What is wrong with the slots of an account, slot by slot (no row: nothing):
-- balance = its journal's sum = its last balance_after = its lots' remainders;
-- seq 1 .. last_seq without gaps, no negative balance_after; held = its live
-- holds, within the balance; a retired slot empty; the active slots' cap
-- fractions sum to 1; every transfer has its other half on another slot of the
-- user.
create or replace function litellm_test.slot_problems(uid text)
returns table (slot smallint, problem text)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    with slots as (
        select 0::smallint as slot, true as active, uc.credits_remaining, uc.credits_held, uc.last_seq,
            uc.cap_fraction
        from litellm.user_credits as uc where uc.user_id = uid
        union all
        select s.slot, s.active, s.credits_remaining, s.credits_held, s.last_seq, s.cap_fraction
        from litellm.credit_slots as s where s.user_id = uid
    ),
    checked as (
        select s.*,
            (select coalesce(sum(t.amount), 0) from litellm.credit_transactions as t
             where t.user_id = uid and t.slot = s.slot) as journal,
            (select count(*) from litellm.credit_transactions as t
             where t.user_id = uid and t.slot = s.slot) as entries,
            (select coalesce(max(t.seq), 0) from litellm.credit_transactions as t
             where t.user_id = uid and t.slot = s.slot) as max_seq,
            (select coalesce(min(t.balance_after), 0) from litellm.credit_transactions as t
             where t.user_id = uid and t.slot = s.slot) as lowest,
            (select t.balance_after from litellm.credit_transactions as t
             where t.user_id = uid and t.slot = s.slot order by t.seq desc limit 1) as last_balance,
            (select coalesce(sum(l.remaining), 0) from litellm.credit_lots as l
             where l.user_id = uid and l.slot = s.slot) as lots,
            (select coalesce(sum(h.amount), 0) from litellm.credit_holds as h
             where h.user_id = uid and h.slot = s.slot and h.status = 'held') as holds
        from slots as s
    )
    select c.slot, p.problem
    from checked as c
    cross join lateral (values
        (case when c.credits_remaining <> c.journal then format('balance %s, journal %s', c.credits_remaining, c.journal) end),
        (case when c.credits_remaining <> coalesce(c.last_balance, 0)
              then format('balance %s, last balance_after %s', c.credits_remaining, c.last_balance) end),
        (case when c.credits_remaining <> c.lots then format('balance %s, lots %s', c.credits_remaining, c.lots) end),
        (case when c.last_seq <> c.entries or c.last_seq <> c.max_seq
              then format('last_seq %s, %s entries, max seq %s', c.last_seq, c.entries, c.max_seq) end),
        (case when c.lowest < 0 then format('balance_after %s', c.lowest) end),
        (case when c.credits_held <> c.holds then format('held %s, live holds %s', c.credits_held, c.holds) end),
        (case when c.credits_held > c.credits_remaining
              then format('held %s above balance %s', c.credits_held, c.credits_remaining) end),
        (case when not c.active and (c.credits_remaining <> 0 or c.holds <> 0) then 'retired but not empty' end)
    ) as p (problem)
    where p.problem is not null
    union all
    select null, format('cap fractions sum to %s', sum(s.cap_fraction))
    from slots as s where s.active having sum(s.cap_fraction) <> 1
    union all
    select t.slot, format('transfer %s has no other half', t.id)
    from litellm.credit_transactions as t
    where t.user_id = uid and t.transaction_type = 'transfer'
      and not exists (
          select from litellm.credit_transactions as o
          where o.user_id = uid and o.transaction_type = 'transfer' and o.amount = -t.amount and o.slot <> t.slot
            and (o.transfer_of = t.id or t.transfer_of = o.id)
      );
$$;

-- The analytics tests' log: 600 calls over the last ~41 days (users tap-an-0 to
-- tap-an-8, 3 providers, 4 models, failures, missing latencies and USD costs,
-- partial attribution), then refresh_usage_summary(). Returns the calls written.
create or replace function litellm_test.analytics_usage_log()
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_rows bigint;
begin
    insert into litellm.llm_usage_log (
        user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, cost_usd, success, latency_ms,
        error_type, tenant_id, organization_id, team_id, service_name, operation, created_at
    )
    select
        'tap-an-' || (g.n % 9) as user_id,
        (array['openai', 'anthropic', 'google'])[1 + g.n % 3] as provider,
        (array['gpt-4', 'claude-3', 'gemini', 'gpt-4o'])[1 + g.n % 4] as model,
        g.n % 300 as prompt_tokens,
        g.n % 700 as completion_tokens,
        (g.n % 97) * 0.001013 as cost_credits,
        case when g.n % 5 <> 0 then (g.n % 13) * 0.0000077 end as cost_usd,
        g.n % 10 <> 0 as success,
        case when g.n % 6 <> 0 then 100 + g.n % 900 end as latency_ms,
        case when g.n % 10 = 0 then (array['RateLimitError', 'Timeout'])[1 + g.n % 3 % 2] end as error_type,
        case when g.n % 4 <> 0 then 'tenant-' || (g.n % 3) end as tenant_id,
        case when g.n % 5 <> 0 then 'org-' || (g.n % 2) end as organization_id,
        case when g.n % 3 <> 0 then 'team-' || (g.n % 4) end as team_id,
        case when g.n % 7 <> 0 then 'svc-' || (g.n % 2) end as service_name,
        case when g.n % 8 <> 0 then 'op-' || (g.n % 3) end as operation,
        pg_catalog.now() - make_interval(hours => g.n % 1000) as created_at
    from generate_series(1, 600) as g (n);
    get diagnostics v_rows = row_count;
    perform litellm.refresh_usage_summary();
    return v_rows;
end
$$;

-- llm_usage_summary without updated_at: what usage_summary_from_log() must equal.
create or replace view litellm_test.usage_summary_rows as
select
    s.date,
    s.user_id,
    s.provider,
    s.model,
    s.request_count,
    s.success_count,
    s.failure_count,
    s.total_prompt_tokens,
    s.total_completion_tokens,
    s.total_tokens,
    s.total_latency_ms,
    s.latency_count,
    s.total_cost,
    s.total_cost_usd
from litellm.llm_usage_summary as s;

-- The rows of llm_usage_summary for the users like user_pattern, aggregated
-- from scratch from llm_usage_log (the summary's definition).
create or replace function litellm_test.usage_summary_from_log(user_pattern text)
returns setof litellm_test.usage_summary_rows
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select
        (l.created_at at time zone 'UTC')::date as date,
        l.user_id,
        l.provider,
        l.model,
        count(*) as request_count,
        count(*) filter (where l.success) as success_count,
        count(*) filter (where not l.success) as failure_count,
        sum(l.prompt_tokens)::bigint as total_prompt_tokens,
        sum(l.completion_tokens)::bigint as total_completion_tokens,
        sum(l.total_tokens)::bigint as total_tokens,
        coalesce(sum(l.latency_ms), 0)::bigint as total_latency_ms,
        count(l.latency_ms) as latency_count,
        sum(l.cost_credits) as total_cost,
        coalesce(sum(l.cost_usd), 0) as total_cost_usd
    from litellm.llm_usage_log as l
    where l.user_id like user_pattern
    group by 1, 2, 3, 4;
$$;
