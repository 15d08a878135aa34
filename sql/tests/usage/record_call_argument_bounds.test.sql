-- record_llm_call and settle_llm_call test their arguments with two inlined
-- expressions (_debit_args_invalid for what a debit also has,
-- _usage_args_invalid for the rest) and call the checks that raise only when
-- one finds something: every bound of every
-- argument must still be refused with its documented code, the first bad
-- argument's when there are several, and a call at every bound must pass.
begin;
select plan(53);

select litellm_test.funded_user('rb-user', 100);

-- A call of the function with the arguments given (SQL text by name).
create function pg_temp.call_refused(call text, arguments jsonb, code text, why text) returns setof text
language plpgsql as $$
begin
    return query select * from throws_ok(
        format(
            'select * from litellm.%s(%s)', call,
            (select string_agg(format('%s => %s', a.key, a.value), ', ') from jsonb_each_text(arguments) as a)
        ),
        code, null, call || ': ' || why
    );
end
$$;

-- record_llm_call with the arguments of a good call, some replaced.
create function pg_temp.record_refuses(changes jsonb, code text, why text) returns setof text
language sql as $$
    select pg_temp.call_refused(
        'record_llm_call',
        '{"user_id": "''rb-user''", "provider": "''openai''", "model": "''gpt-4''", "cost": "0.01"}'::jsonb || changes,
        code, why
    );
$$;

select pg_temp.record_refuses('{"user_id": "null"}', 'LD004', 'no user id');
select pg_temp.record_refuses('{"user_id": "''  ''"}', 'LD004', 'a blank user id');
select pg_temp.record_refuses('{"user_id": "repeat(''u'', 256)"}', 'LD004', 'a user id of 256 characters');
select pg_temp.record_refuses('{"provider": "null"}', 'LD021', 'no provider');
select pg_temp.record_refuses('{"provider": "'' ''"}', 'LD021', 'a blank provider');
select pg_temp.record_refuses('{"provider": "repeat(''p'', 256)"}', 'LD007', 'a provider of 256 characters');
select pg_temp.record_refuses('{"model": "null"}', 'LD021', 'no model');
select pg_temp.record_refuses('{"model": "''''"}', 'LD021', 'an empty model');
select pg_temp.record_refuses('{"model": "repeat(''m'', 256)"}', 'LD007', 'a model of 256 characters');
select pg_temp.record_refuses('{"latency_ms": "-1"}', 'LD021', 'a negative latency');
select pg_temp.record_refuses('{"cost_usd": "-0.00000001"}', 'LD021', 'a negative cost_usd');
select pg_temp.record_refuses('{"cost_usd": "''NaN''::numeric"}', 'LD021', 'a cost_usd of NaN');
select pg_temp.record_refuses('{"cost_usd": "''Infinity''::numeric"}', 'LD021', 'an infinite cost_usd');
select pg_temp.record_refuses('{"cost_usd": "1e12"}', 'LD021', 'a cost_usd of 10^12');
select pg_temp.record_refuses(jsonb_build_object(label, 'repeat(''l'', 256)'), 'LD007', label || ' of 256 characters')
from unnest(array[
    'litellm_call_id', 'tenant_id', 'team_id', 'organization_id', 'service_name', 'operation', 'session_id',
    'request_id', 'error_type'
]) as label;
select pg_temp.record_refuses('{"request_metadata": "''[]''::jsonb"}', 'LD007', 'request_metadata not an object');
select pg_temp.record_refuses(
    '{"request_metadata": "jsonb_build_object(''x'', repeat(''a'', 65536))"}', 'LD007', 'request_metadata over 64 KiB'
);
select pg_temp.record_refuses('{"response_metadata": "''\"x\"''::jsonb"}', 'LD007', 'response_metadata not an object');
select pg_temp.record_refuses(
    '{"response_metadata": "jsonb_build_object(''x'', repeat(''a'', 65536))"}', 'LD007', 'response_metadata over 64 KiB'
);
select pg_temp.record_refuses('{"prompt_tokens": "-1"}', 'LD002', 'negative prompt tokens');
select pg_temp.record_refuses('{"completion_tokens": "-1"}', 'LD002', 'negative completion tokens');
select pg_temp.record_refuses('{"prompt_tokens": "2147483648"}', 'LD002', 'prompt tokens of 2^31');
select pg_temp.record_refuses(
    '{"prompt_tokens": "2000000000", "completion_tokens": "147483648"}', 'LD002', 'a total of 2^31 tokens'
);
select pg_temp.record_refuses(
    '{"prompt_tokens": "9000000000000000000", "completion_tokens": "9000000000000000000"}', 'LD002',
    'token counts whose sum overflows a bigint'
);
select pg_temp.record_refuses('{"cost": "-0.000001"}', 'LD001', 'a negative cost');
select pg_temp.record_refuses('{"cost": "''NaN''::numeric"}', 'LD001', 'a cost of NaN');
select pg_temp.record_refuses('{"cost": "''Infinity''::numeric"}', 'LD001', 'an infinite cost');
select pg_temp.record_refuses('{"cost": "0.0000001"}', 'LD001', 'a cost with 7 decimals');
select pg_temp.record_refuses('{"cost": "1e14"}', 'LD001', 'a cost of 10^14');
select pg_temp.record_refuses('{"power_level": "''no-such-level''"}', 'LD003', 'an unknown power level');
-- Several bad arguments: the first one's error, in the documented order.
select pg_temp.record_refuses('{"user_id": "''''", "provider": "null"}', 'LD004', 'a bad user id before the provider');
select pg_temp.record_refuses(
    '{"request_metadata": "''1''::jsonb", "provider": "null"}', 'LD007', 'the metadata before the provider'
);
select pg_temp.record_refuses(
    '{"session_id": "repeat(''s'', 256)", "power_level": "''no-such-level''"}', 'LD007',
    'the usage row before the power level'
);
select pg_temp.record_refuses(
    '{"error_type": "repeat(''e'', 256)", "power_level": "''no-such-level''"}', 'LD003',
    'the power level before the error type'
);
select pg_temp.record_refuses(
    '{"cost": "-1", "prompt_tokens": "-1"}', 'LD002', 'the token counts before the cost'
);

select results_eq(
    $$ select r.success, r.charged, r.amount_charged
       from litellm.record_llm_call(
           user_id => repeat('u', 255), provider => repeat('p', 255), model => repeat('m', 255),
           prompt_tokens => 2147483000, completion_tokens => 647, cost => 0,
           request_id => repeat('r', 255), litellm_call_id => repeat('c', 255), latency_ms => 0,
           cost_usd => 999999999999.99999999, error_type => repeat('e', 255), tenant_id => repeat('t', 255),
           team_id => repeat('a', 255), organization_id => repeat('o', 255), service_name => repeat('s', 255),
           operation => repeat('o', 255), session_id => repeat('x', 255),
           request_metadata => null, response_metadata => jsonb_build_object('x', repeat('a', 65520))
       ) as r $$,
    $$ values (true, false, 0::numeric) $$,
    'record_llm_call takes every argument at its bound (a call of no cost charges nothing)'
);
select results_eq(
    $$ select r.success, r.charged, r.amount_charged
       from litellm.record_llm_call(user_id => 'rb-user', provider => 'openai', model => 'gpt-4',
                                    cost => 99999999999999.999999, power_level => ' Balanced ') as r $$,
    $$ values (false, false, 0::numeric) $$,
    'a cost just below 10^14 and a known power level in any spelling pass the checks (the debit then refuses it)'
);

-- settle_llm_call checks the usage row's arguments before it settles anything.
create function pg_temp.settle_refuses(changes jsonb, code text, why text) returns setof text
language sql as $$
    select pg_temp.call_refused(
        'settle_llm_call',
        '{"user_id": "''rb-user''", "request_id": "''rb-hold''", "actual_cost": "0.01", "provider": "''openai''",
          "model": "''gpt-4''"}'::jsonb || changes,
        code, why
    );
$$;

select litellm.reserve_credits('rb-user', 1, 'rb-hold');
select pg_temp.settle_refuses('{"user_id": "''''"}', 'LD004', 'a blank user id');
select pg_temp.settle_refuses('{"provider": "null"}', 'LD021', 'no provider');
select pg_temp.settle_refuses('{"model": "repeat(''m'', 256)"}', 'LD007', 'a model of 256 characters');
select pg_temp.settle_refuses('{"latency_ms": "-1"}', 'LD021', 'a negative latency');
select pg_temp.settle_refuses('{"cost_usd": "''NaN''::numeric"}', 'LD021', 'a cost_usd of NaN');
select pg_temp.settle_refuses('{"tenant_id": "repeat(''t'', 256)"}', 'LD007', 'a tenant id of 256 characters');
select pg_temp.settle_refuses('{"response_metadata": "''[1]''::jsonb"}', 'LD007', 'response_metadata not an object');
select is(
    (
        select h.status
        from litellm.credit_holds as h
        where h.user_id = 'rb-user' and h.request_id = 'rb-hold'
    ),
    'held',
    'a refused settle_llm_call leaves the hold as it was'
);

select * from finish();
rollback;
