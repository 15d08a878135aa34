-- The body is _team_usage: PL/pgSQL cannot have an argument and a result column
-- both named organization_id, and a PL/pgSQL body gets plans made for the
-- actual date range.
create or replace function litellm._team_usage(days integer, organization text)
returns table (
    organization_id text,
    team_id text,
    request_count bigint,
    total_tokens bigint,
    total_cost numeric,
    total_cost_usd numeric
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since date := litellm._usage_since(_team_usage.days);
begin
    return query
    select
        nullif(a.organization_id, ''),
        nullif(a.team_id, ''),
        sum(a.request_count)::bigint,
        sum(a.total_tokens)::bigint,
        sum(a.total_cost),
        sum(a.total_cost_usd)
    from litellm.llm_usage_attribution_summary as a
    where
        a.date >= v_since
        and (_team_usage.organization is null or a.organization_id = _team_usage.organization)
    group by a.organization_id, a.team_id
    order by 5 desc, 1 nulls last, 2 nulls last;
end
$$;

comment on function litellm._team_usage(integer, text) is
'The body of team_usage(). LD021 for days outside 1..36600.';

create or replace function litellm.team_usage(days integer default 30, organization_id text default null)
returns table (
    organization_id text,
    team_id text,
    request_count bigint,
    total_tokens bigint,
    total_cost numeric,
    total_cost_usd numeric
)
language sql
stable
set search_path = pg_catalog, pg_temp
begin atomic
    select
        t.organization_id,
        t.team_id,
        t.request_count,
        t.total_tokens,
        t.total_cost,
        t.total_cost_usd
    from litellm._team_usage($1, $2) as t;
end;

comment on function litellm.team_usage(integer, text) is
'Spend per team (with its organisation) over the last days UTC days (today included), optionally within one '
'organisation: calls, tokens, cost in credits and USD, highest cost first. NULL team: calls not attributed to a team. '
'From llm_usage_attribution_summary. LD021 for days outside 1..36600.';
