create or replace function litellm.top_spenders(days integer default 30, max_rows integer default 10)
returns table (
    user_id text,
    total_cost numeric,
    request_count bigint,
    total_tokens bigint
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since date := litellm._usage_since(top_spenders.days);
    v_limit integer := litellm._check_max_rows(top_spenders.max_rows);
begin
    return query
    select s.user_id, sum(s.total_cost), sum(s.request_count)::bigint, sum(s.total_tokens)::bigint
    from litellm.llm_usage_summary as s
    where s.date >= v_since
    group by s.user_id
    order by 2 desc, 1
    limit v_limit;
end
$$;

comment on function litellm.top_spenders(integer, integer) is
'The users who spent the most credits over the last days UTC days (today included), highest first, with their calls and '
'tokens; at most max_rows rows (NULL: all). From llm_usage_summary. LD021 for days outside 1..36600, LD009 for max_rows below 1.';
