-- calculate_cost = (prompt x prompt price + completion x completion price) / 1e6 USD
-- x power multiplier x (1 + tier markup) x credits per USD, rounded up to 6 places.
begin;
select plan(8);

select litellm.set_model_price('tap', 'm', 2.50, 10.00, effective_from => '1970-01-01+00');

select is(
    litellm.calculate_cost('tap', 'm', 1000, 500),
    0.075000::numeric,
    '1000 prompt + 500 completion tokens at 2.50/10.00 USD per 1M = 0.0075 USD = 0.075 credits'
);
select is(
    litellm.calculate_cost('tap', 'm', 1000, 500, 'eco'),
    0.052500::numeric,
    'eco multiplies by 0.7'
);
select is(
    litellm.calculate_cost('tap', 'm', 1000, 500, 'precision', 'enterprise'),
    0.202500::numeric,
    'precision (1.5) and enterprise (markup 0.8): 0.075 x 1.5 x 1.8'
);
select is(
    litellm.calculate_cost('tap', 'm', 1000, 500, null, 'free'),
    0.075000::numeric,
    'free has no markup; a NULL level multiplies by 1'
);
select is(
    litellm.calculate_cost('TAP ', ' m', 1000, 500, ' Balanced', 'Starter'),
    0.105000::numeric,
    'provider, level and tier are compared in lower case and trimmed (0.075 x 1.0 x 1.4)'
);
select is(
    litellm.calculate_cost('tap', 'm', 1, 0),
    0.000025::numeric,
    'one prompt token: 0.0000025 USD x 10 = 0.000025 credits, exact'
);
select litellm.set_model_price('tap', 'cheap', 0.15, 0.60, effective_from => '1970-01-01+00');
select is(
    litellm.calculate_cost('tap', 'cheap', 1, 0),
    0.000002::numeric,
    '0.0000015 credits is rounded up, never down, to 0.000002'
);

update litellm.pricing_settings set credits_per_usd = 100;
select is(
    litellm.calculate_cost('tap', 'm', 1000, 500),
    0.750000::numeric,
    'the conversion rate is a row: 100 credits per USD makes it 0.75'
);

select * from finish();
rollback;
