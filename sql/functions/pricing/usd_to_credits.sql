-- US dollars to credits by the database's conversion rate (pricing_settings),
-- for callers that price a call themselves in dollars (LiteLLM's response_cost)
-- and must charge by the same rate and rounding as calculate_cost.

create or replace function litellm.usd_to_credits(usd numeric, credits_per_usd numeric default null)
returns numeric
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_usd numeric := litellm._check_usd(usd_to_credits.usd, 'usd');
    v_rate numeric := usd_to_credits.credits_per_usd;
begin
    if v_rate is null then
        select ps.credits_per_usd into v_rate from litellm.pricing_settings as ps;
        if v_rate is null then
            raise exception using
                errcode = 'LD222',
                message = 'no conversion rate: litellm.pricing_settings is empty',
                hint = 'insert into litellm.pricing_settings (credits_per_usd) values (10);';
        end if;
    elsif litellm._check_usd(v_rate, 'credits_per_usd') = 0 then
        raise exception using
            errcode = 'LD021',
            message = 'credits_per_usd must be positive, got 0',
            hint = 'Pass NULL for the rate of litellm.pricing_settings.';
    end if;
    -- Exact arithmetic, then one rounding up to the next micro-credit, as calculate_cost rounds.
    return round(ceil(v_usd * v_rate * 1000000) / 1000000, 6);
end
$$;

comment on function litellm.usd_to_credits(numeric, numeric) is
'Credits for an amount in US dollars: usd x the rate, rounded up to 6 decimal places (the rounding of calculate_cost, '
'without a power level multiplier or tier markup). The rate is credits_per_usd when given (a caller''s own rate, for '
'example a LiteLLM logger''s override), else pricing_settings.credits_per_usd. Raises LD021 (usd NULL, NaN, infinite, '
'negative or 10^12 or more; credits_per_usd NaN, infinite, not positive or 10^12 or more), LD222 (no rate given and '
'pricing_settings has none).';
