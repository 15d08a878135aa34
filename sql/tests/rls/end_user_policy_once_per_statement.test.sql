-- The end-user policies verify the token once per statement (an InitPlan), not once per row, and still
-- find a user's rows through the user_id-leading indexes.
begin;
select plan(6);

select litellm_test.funded_user('once-a', 10);
select set_config('litellm.end_user_token', litellm.issue_end_user_token('once-a'), true);

create function pg_temp.plan(query text)
returns text
language plpgsql
as $$
declare
    v_line text;
    v_plan text := '';
begin
    for v_line in execute 'explain (costs off, verbose) ' || query loop
        v_plan := v_plan || v_line || e'\n';
    end loop;
    return v_plan;
end
$$;
grant execute on function pg_temp.plan(text) to public;

set local role litellm_end_user;

select matches(
    pg_temp.plan('select * from litellm.user_credits'),
    '^Index Scan using user_credits_pkey .*Index Cond: \(user_credits.user_id = \$0\).*InitPlan 1 \(returns \$0\)',
    'user_credits: one verification per statement, the account found by its primary key'
);
select matches(
    pg_temp.plan('select count(*) from litellm.credit_transactions'),
    'InitPlan 1 \(returns \$0\).*Index Cond: \(credit_transactions.user_id = \$0\)',
    'credit_transactions: the same'
);
select matches(
    pg_temp.plan($$ select model, count(*) from litellm.llm_usage_log where created_at > now() - interval '30 days' group by model $$),
    'InitPlan 1 \(returns \$0\)',
    'llm_usage_log: one InitPlan for every partition'
);
select matches(
    pg_temp.plan('select provider from litellm.user_provider_keys'),
    'InitPlan 1 \(returns \$0\)',
    'user_provider_keys: the same'
);
select is(
    (
        select count(*)::integer
        from regexp_matches(
            pg_temp.plan(
                $$ select model, count(*) from litellm.llm_usage_log where created_at > now() - interval '30 days' group by model $$
            ),
            'current_end_user_id', 'g'
        )
    ),
    1,
    'the function appears once in the plan of a query over every partition'
);
select is_empty(
    $$ select polname from pg_policy
       where polrelid in ('litellm.user_credits'::regclass, 'litellm.credit_transactions'::regclass,
                          'litellm.llm_usage_log'::regclass, 'litellm.user_provider_keys'::regclass)
         and polname = 'own_rows'
         and pg_get_expr(polqual, polrelid)
             !~ '^\(user_id = \( SELECT (litellm\.)?current_end_user_id\(\) AS current_end_user_id\)\)$' $$,
    'every own_rows policy is user_id = (select current_end_user_id())'
);

select * from finish();
rollback;
