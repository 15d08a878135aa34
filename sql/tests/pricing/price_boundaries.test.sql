-- A scheduled price takes over exactly at effective_from: periods are
-- [effective_from, effective_to), so `at = effective_from` gets the new price.
begin;
select plan(7);

select litellm.set_model_price('tap', 'm', 1, 2, effective_from => '1970-01-01+00');
select litellm.set_model_price('tap', 'm', 3, 4, effective_from => '2031-01-01 00:00:00+00');
select litellm.set_model_price('tap', 'm', 5, 6, effective_from => '2032-01-01 00:00:00+00');

select is(
    (select prompt_per_1m from litellm.get_model_price('tap', 'm', '2030-12-31 23:59:59.999999+00')),
    1.000000::numeric,
    'one microsecond before the change: the old price'
);
select is(
    (select prompt_per_1m from litellm.get_model_price('tap', 'm', '2031-01-01 00:00:00+00')),
    3.000000::numeric,
    'at effective_from exactly: the new price'
);
select is(
    (select prompt_per_1m from litellm.get_model_price('tap', 'm', '2031-12-31 23:59:59.999999+00')),
    3.000000::numeric,
    'just before the next change: still the second price'
);
select is(
    (select prompt_per_1m from litellm.get_model_price('tap', 'm', '2032-01-01 00:00:00+00')),
    5.000000::numeric,
    'at the next change exactly: the third price'
);
select is(
    litellm.calculate_cost('tap', 'm', 1000000, 0, at => '2031-01-01 00:00:00+00'),
    30.000000::numeric,
    'calculate_cost at the boundary uses the new price (1M tokens x 3 USD x 10)'
);
select is(
    litellm.calculate_cost('tap', 'm', 1000000, 0, at => '2030-12-31 23:59:59.999999+00'),
    10.000000::numeric,
    'calculate_cost just before the boundary uses the old price'
);
select is(
    litellm.calculate_cost('tap', 'm', 1000000, 0),
    10.000000::numeric,
    'at defaults to now(): the price in force today'
);

select * from finish();
rollback;
