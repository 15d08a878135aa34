create or replace function litellm.calculate_cost(
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    power_level text default null,
    tier text default null,
    at timestamptz default now()
)
returns numeric
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_provider text := lower(btrim(calculate_cost.provider));
    v_model text := btrim(calculate_cost.model);
    v_prompt bigint := coalesce(calculate_cost.prompt_tokens, 0);
    v_completion bigint := coalesce(calculate_cost.completion_tokens, 0);
    v_at timestamptz := coalesce(calculate_cost.at, pg_catalog.now());
    v_multiplier numeric;
    v_markup numeric;
    v_rate numeric;
    v_prompt_price numeric;
    v_completion_price numeric;
begin
    -- The checks of _price_key, inline: this function is on the debit path.
    if v_provider is null or v_provider = '' or v_model is null or v_model = '' then
        perform litellm._price_key(calculate_cost.provider, 'provider');
        perform litellm._price_key(calculate_cost.model, 'model');
    end if;
    if length(v_provider) > 255 or length(v_model) > 255 then
        perform litellm._price_key(calculate_cost.provider, 'provider');
        perform litellm._price_key(calculate_cost.model, 'model');
    end if;
    perform litellm._check_tokens(v_prompt, v_completion);

    -- One statement for the common case: the model's own price in force, the
    -- multiplier, the markup and the rate. The fallback rows are looked up only
    -- when the model has no price (the same rule as get_model_price).
    select
        pr.prompt_per_1m,
        pr.completion_per_1m,
        case
            when calculate_cost.power_level is null then 1
            else (
                select pl.cost_multiplier from litellm.power_levels as pl
                where pl.power_level = litellm._power_level_key(calculate_cost.power_level)
            )
        end,
        case
            when calculate_cost.tier is null then 0
            else (select t.markup from litellm.tiers as t where t.tier = lower(btrim(calculate_cost.tier)))
        end,
        (select ps.credits_per_usd from litellm.pricing_settings as ps)
    into v_prompt_price, v_completion_price, v_multiplier, v_markup, v_rate
    from (values (1)) as one (n)
    left join lateral (
        select p.prompt_per_1m, p.completion_per_1m
        from litellm.model_prices as p
        where
            p.provider = v_provider
            and p.model = v_model
            and p.effective_from <= v_at
            and (p.effective_to is null or p.effective_to > v_at)
        order by p.effective_from desc
        limit 1
    ) as pr on true;

    if v_prompt_price is null then
        select p.prompt_per_1m, p.completion_per_1m into v_prompt_price, v_completion_price
        from litellm.model_prices as p
        where
            (p.provider, p.model) in ((v_provider, '*'), ('*', '*'))
            and p.effective_from <= v_at
            and (p.effective_to is null or p.effective_to > v_at)
        order by p.provider = '*', p.effective_from desc
        limit 1;
    end if;

    if v_multiplier is null then
        perform litellm._unknown_power_level(calculate_cost.power_level);
    end if;
    if v_markup is null then
        raise exception using
            errcode = 'LD220',
            message = format('unknown tier %s', quote_literal(calculate_cost.tier)),
            hint = 'See litellm.tiers for the configured tiers.';
    end if;
    if v_prompt_price is null then
        raise exception using
            errcode = 'LD222',
            message = format('no price for %s/%s at %s', v_provider, v_model, v_at),
            detail = 'Neither the model, nor its provider''s default (model *), nor the global default (*/*) has a price in force.',
            hint = 'Set one with litellm.set_model_price(); the package ships a global default row.';
    end if;
    if v_rate is null then
        raise exception using
            errcode = 'LD222',
            message = 'no conversion rate: litellm.pricing_settings is empty',
            hint = 'insert into litellm.pricing_settings (credits_per_usd) values (10);';
    end if;

    -- Exact arithmetic, then one rounding: up to the next micro-credit, so a
    -- cost is never rounded down to the platform's loss.
    return round(
        ceil(
            (v_prompt * v_prompt_price + v_completion * v_completion_price)
            * v_multiplier * (1 + v_markup) * v_rate
        ) / 1000000,
        6
    );
end
$$;

comment on function litellm.calculate_cost(text, text, bigint, bigint, text, text, timestamptz) is
'Credits for one call: (prompt_tokens x prompt price + completion_tokens x completion price) / 1,000,000 USD, using the '
'price in force at `at` (get_model_price: the model, else its provider''s default, else the global default), x the power '
'level''s cost_multiplier (NULL level: 1) x (1 + the tier''s markup) (NULL tier: no markup) x pricing_settings.credits_per_usd, '
'rounded up to 6 decimal places. NULL token counts count as 0. Raises LD002 (token counts), LD003 (unknown power level), '
'LD007, LD031 (blank provider or model), LD220 (unknown tier), LD222 (no price and no fallback, or no conversion rate).';
