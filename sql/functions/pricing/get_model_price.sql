create or replace function litellm.get_model_price(
    provider text,
    model text,
    at timestamptz default now()
)
returns table (
    price_id bigint,
    price_provider text,
    price_model text,
    matched text,
    prompt_per_1m numeric,
    completion_per_1m numeric,
    cached_per_1m numeric,
    effective_from timestamptz,
    effective_to timestamptz
)
language sql
stable
set search_path = pg_catalog, pg_temp
begin atomic
    select
        mp.price_id,
        mp.provider,
        mp.model,
        c.matched,
        mp.prompt_per_1m,
        mp.completion_per_1m,
        mp.cached_per_1m,
        mp.effective_from,
        mp.effective_to
    from (
        values
        (1, lower(btrim(get_model_price.provider)), btrim(get_model_price.model), 'model'),  -- noqa: RF01
        (2, lower(btrim(get_model_price.provider)), '*', 'provider default'),  -- noqa: RF01
        (3, '*', '*', 'global default')
    ) as c (rank, provider, model, matched)
    cross join
        lateral (
            select p.*
            from litellm.model_prices as p
            where
                p.provider = c.provider
                and p.model = c.model
                and p.effective_from <= coalesce(get_model_price.at, now())  -- noqa: RF01
                and (p.effective_to is null or p.effective_to > coalesce(get_model_price.at, now()))  -- noqa: RF01
            order by p.effective_from desc
            limit 1
        ) as mp
    order by c.rank
    limit 1;
end;

comment on function litellm.get_model_price(text, text, timestamptz) is
'The price in force at `at` (default now()) for a provider and model, following the fallback: the model''s own row, '
'else the provider''s default (model ''*''), else the global default (''*'', ''*''). matched says which one: model, '
'provider default or global default. No row when none applies. Periods are half-open: at = effective_from is the new price.';
