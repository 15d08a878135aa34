-- usd_to_credits(usd) = usd x pricing_settings.credits_per_usd, rounded up to 6
-- places: the rate and the rounding of calculate_cost; bad amounts raise LD021,
-- a missing rate LD222. A rate passed as credits_per_usd replaces the row's, with
-- the same rounding.
begin;
select plan(16);

select is(litellm.usd_to_credits(0.0075), 0.075000::numeric, '0.0075 USD x 10 = 0.075 credits');
select is(litellm.usd_to_credits(0), 0.000000::numeric, 'nothing costs nothing');
select is(
    litellm.usd_to_credits(0.00000015), 0.000002::numeric, '0.0000015 credits is rounded up, never down, to 0.000002'
);
select is(
    litellm.usd_to_credits(0.0000001), 0.000001::numeric, 'exact: 0.000001 credits stays 0.000001'
);

select litellm.set_model_price('tap', 'm', 2.50, 10.00, effective_from => '1970-01-01+00');
select is(
    litellm.usd_to_credits(0.0075),
    litellm.calculate_cost('tap', 'm', 1000, 500),
    'the same credits as calculate_cost for a call that costs 0.0075 USD'
);

update litellm.pricing_settings set credits_per_usd = 100;
select is(litellm.usd_to_credits(0.0075), 0.750000::numeric, 'the rate is the row''s: 100 credits per USD');

select is(
    litellm.usd_to_credits(0.00000015, credits_per_usd => 7.5), 0.000002::numeric,
    'a given rate: 0.000001125 credits is rounded up to 0.000002 as with the row''s rate'
);
select is(litellm.usd_to_credits(0.0075, credits_per_usd => null), 0.750000::numeric, 'NULL: the row''s rate');
select throws_ok($$ select litellm.usd_to_credits(1, credits_per_usd => 0) $$, 'LD021', null, 'a rate of 0');
select throws_ok($$ select litellm.usd_to_credits(1, credits_per_usd => -1) $$, 'LD021', null, 'a negative rate');
select throws_ok($$ select litellm.usd_to_credits(1, credits_per_usd => 'NaN') $$, 'LD021', null, 'a NaN rate');
select throws_ok($$ select litellm.usd_to_credits(null) $$, 'LD021', null, 'NULL');
select throws_ok($$ select litellm.usd_to_credits(-0.01) $$, 'LD021', null, 'negative');
select throws_ok($$ select litellm.usd_to_credits('NaN') $$, 'LD021', null, 'NaN');
select throws_ok($$ select litellm.usd_to_credits(1e12) $$, 'LD021', null, '10^12 USD');

delete from litellm.pricing_settings;
select throws_ok($$ select litellm.usd_to_credits(1) $$, 'LD222', null, 'no conversion rate');

select * from finish();
rollback;
