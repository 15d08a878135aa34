create or replace function litellm.top_models(
    days integer default 30,
    max_rows integer default 5,
    user_id text default null
)
returns table (
    provider text,
    model text,
    request_count bigint,
    total_tokens bigint,
    total_cost numeric
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since date := litellm._usage_since(top_models.days);
    v_limit integer := litellm._check_max_rows(top_models.max_rows);
begin
    if top_models.user_id is null then
        return query
        select s.provider, s.model, sum(s.request_count)::bigint, sum(s.total_tokens)::bigint, sum(s.total_cost)
        from litellm.llm_usage_summary as s
        where s.date >= v_since
        group by s.provider, s.model
        order by 5 desc, 3 desc, 1, 2
        limit v_limit;
    else
        return query
        select s.provider, s.model, sum(s.request_count)::bigint, sum(s.total_tokens)::bigint, sum(s.total_cost)
        from litellm.llm_usage_summary as s
        where s.user_id = top_models.user_id and s.date >= v_since
        group by s.provider, s.model
        order by 5 desc, 3 desc, 1, 2
        limit v_limit;
    end if;
end
$$;

comment on function litellm.top_models(integer, integer, text) is
'The models that cost the most over the last days UTC days (today included), of one user or (user_id NULL) of everyone: '
'calls, tokens and cost in credits, highest cost first, at most max_rows rows (NULL: all). From llm_usage_summary. LD021 '
'for days outside 1..36600, LD009 for max_rows below 1.';
