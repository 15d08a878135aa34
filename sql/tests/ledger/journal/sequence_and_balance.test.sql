begin;
select plan(3);

select litellm_test.funded_user('busy', 100);
select litellm.debit_user_credits('busy', (0.001 * g)::numeric, 'openai', 'gpt-4', g, g, 'eco')
from generate_series(1, 40) as g;
select litellm.add_user_credits('busy', 7, 'promo');
select litellm.debit_user_credits('busy', 500, 'openai', 'gpt-4');  -- fails, writes nothing

select is(
    (
        select array_agg(seq order by seq) from litellm.credit_transactions
        where user_id = 'busy'
    ),
    (select array_agg(g::bigint) from generate_series(1, 42) as g),
    'entries are numbered 1..n without gaps'
);
select is_empty(
    $$ select seq from (
           select seq, balance_after, sum(amount) over (order by seq) as running
           from litellm.credit_transactions where user_id = 'busy') as j
       where balance_after <> running $$,
    'every entry''s balance_after equals the running sum of the journal'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'busy'
    ),
    (
        select sum(amount) from litellm.credit_transactions
        where user_id = 'busy'
    ),
    'the cached balance equals the sum of the journal'
);

select * from finish();
rollback;
