-- US dollars to credits by the database's conversion rate (pricing_settings),
-- for callers that price a call themselves in dollars (LiteLLM's response_cost)
-- and must charge by the same rate and rounding as calculate_cost.

create or replace function litellm.usd_to_credits(usd numeric)
returns numeric
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_usd numeric := litellm._check_usd(usd_to_credits.usd, 'usd');
    v_rate numeric;
begin
    select ps.credits_per_usd into v_rate from litellm.pricing_settings as ps;
    if v_rate is null then
        raise exception using
            errcode = 'LD222',
            message = 'no conversion rate: litellm.pricing_settings is empty',
            hint = 'insert into litellm.pricing_settings (credits_per_usd) values (10);';
    end if;
    -- Exact arithmetic, then one rounding up to the next micro-credit, as calculate_cost rounds.
    return round(ceil(v_usd * v_rate * 1000000) / 1000000, 6);
end
$$;

comment on function litellm.usd_to_credits(numeric) is
'Credits for an amount in US dollars: usd x pricing_settings.credits_per_usd, rounded up to 6 decimal places (the rate '
'and the rounding of calculate_cost, without a power level multiplier or tier markup). Raises LD021 (usd NULL, NaN, '
'infinite, negative or 10^12 or more), LD222 (pricing_settings has no conversion rate).';
