-- The rules of the tables every charge writes are one CHECK constraint per
-- table, <table>_rules, calling the table's rule function (schema file
-- 0122_row_rules.sql): each condition the tables' column checks made still
-- refuses a row that breaks it, with 23514, and what they let through still
-- passes. Written directly (as the owner), as the API never would.
begin;
select plan(64);

select litellm_test.funded_user('rr-user', 10);
select litellm.debit_user_credits('rr-user', 1);
select litellm.reserve_credits('rr-user', 2, 'rr-hold');
select litellm_test.funded_user('rr-split', 10);
select litellm.set_account_slots('rr-split', 2);
select litellm.create_team('rr-team');
select litellm.set_budget('team', 100, team_id => 'rr-team');
select litellm.add_team_member('rr-user', 'rr-team');
select litellm.debit_user_credits('rr-user', 1, metadata => '{"team_id": "rr-team"}');

select results_eq(
    $$ select c.conname::text collate "default"
       from pg_catalog.pg_constraint as c
       where c.contype = 'c' and c.conrelid in (
           'litellm.user_credits'::regclass, 'litellm.credit_slots'::regclass,
           'litellm.credit_transactions'::regclass, 'litellm.credit_lots'::regclass,
           'litellm.credit_holds'::regclass, 'litellm.budget_counters'::regclass, 'litellm.llm_usage_log'::regclass
       )
       order by 1 $$,
    $$ values ('budget_counters_rules'),
              ('credit_holds_rules'),
              ('credit_lots_rules'),
              ('credit_slots_rules'),
              ('credit_transactions_rules'),
              ('llm_usage_log_rules'),
              ('user_credits_rules') $$,
    'each table a charge writes has one CHECK constraint, its rules'
);

-- An update of one row that sets what the table's rules refuse.
create function pg_temp.update_refused(target text, row_filter text, assignment text) returns setof text
language plpgsql as $$
begin
    return query select * from throws_ok(
        format('update litellm.%s set %s where %s', target, assignment, row_filter),
        '23514', null, target || ' refuses ' || assignment
    );
end
$$;

-- The account row.
select pg_temp.update_refused('user_credits', 'user_id = ''rr-user''', assignment)
from unnest(array[
    'credits_remaining = -1',
    'credits_held = -0.000001',
    'month_spent = -1',
    'monthly_cap = -1',
    'total_purchased = -1',
    'total_granted = -1',
    'total_spent = -1',
    'last_seq = -1',
    'slot_count = 0',
    'slot_count = 65',
    'cap_fraction = 1.000001',
    'cap_fraction = -1'
]) as assignment;
select throws_ok(
    $$ insert into litellm.user_credits (user_id) values ('') $$,
    '23514', null, 'user_credits refuses an empty user id'
);
select throws_ok(
    $$ insert into litellm.user_credits (user_id) values (repeat('u', 256)) $$,
    '23514', null, 'user_credits refuses a user id of 256 characters'
);
select lives_ok(
    $$ update litellm.user_credits set monthly_cap = null, cap_fraction = 1, slot_count = 64, credits_held = 0
       where user_id = 'rr-user' $$,
    'user_credits takes no cap, a fraction of 1, 64 slots and nothing held'
);
select lives_ok(
    $$ insert into litellm.user_credits (user_id) values (repeat('u', 255)) $$,
    'user_credits takes a user id of 255 characters'
);

-- A slot row.
select pg_temp.update_refused('credit_slots', 'user_id = ''rr-split'' and slot = 1', assignment)
from unnest(array[
    'slot = 0',
    'slot = 64',
    'credits_remaining = -1',
    'credits_held = -1',
    'month_spent = -1',
    'total_spent = -1',
    'last_seq = -1',
    'cap_fraction = 2',
    'active = false, credits_remaining = 1, credits_held = 0, cap_fraction = 0'
]) as assignment;

-- Journal entries (inserted: the journal refuses updates).
create function pg_temp.entry_refused(
    kind text, amount numeric, transfer_of bigint default null, slot smallint default 0, seq bigint default 900,
    balance numeric default 0, prompt integer default 0, completion integer default 0, why text default ''
) returns setof text
language plpgsql as $$
begin
    return query select * from throws_ok(
        format(
            'insert into litellm.credit_transactions (user_id, seq, slot, transaction_type, amount, balance_after,'
            ' prompt_tokens, completion_tokens, transfer_of) values (%L, %s, %s, %L, %s, %s, %s, %s, %s)',
            'rr-user', seq, slot, kind, amount, balance, prompt, completion, coalesce(transfer_of::text, 'null')
        ),
        '23514', null, 'credit_transactions refuses ' || why
    );
end
$$;
select pg_temp.entry_refused('gift', 1, why => 'an unknown kind');
select pg_temp.entry_refused('purchase', 0, why => 'a grant of nothing');
select pg_temp.entry_refused('bonus', -1, why => 'a grant that takes credits');
select pg_temp.entry_refused('usage', 1, why => 'usage that adds credits');
select pg_temp.entry_refused('transfer', 0, why => 'a transfer of nothing');
select pg_temp.entry_refused('transfer', 1, why => 'a transfer''s credit half without its debit half');
select pg_temp.entry_refused(
    'transfer', -1, (select min(t.id) from litellm.credit_transactions as t), why => 'a debit half naming another'
);
select pg_temp.entry_refused(
    'usage', -1, (select min(t.id) from litellm.credit_transactions as t), why => 'usage naming a transfer'
);
select pg_temp.entry_refused('usage', -1, slot => 64::smallint, why => 'slot 64');
select pg_temp.entry_refused('usage', -1, seq => 0, why => 'seq 0');
select pg_temp.entry_refused('usage', -1, balance => -1, why => 'a balance below zero');
select pg_temp.entry_refused('usage', -1, prompt => -1, why => 'negative prompt tokens');
select pg_temp.entry_refused('usage', -1, completion => -1, why => 'negative completion tokens');
select lives_ok(
    $$ insert into litellm.credit_transactions (user_id, seq, transaction_type, amount, balance_after)
       values ('rr-user', 901, 'refund', 1, 0), ('rr-user', 902, 'adjustment', -1, 0),
              ('rr-user', 903, 'usage', 0, 0) $$,
    'credit_transactions takes refunds and adjustments of either sign, and usage of nothing'
);

-- A lot.
select throws_ok(
    $$ update litellm.credit_lots set remaining = amount + 0.000001 where user_id = 'rr-user' $$,
    '23514', null, 'credit_lots refuses more remaining than its amount'
);
select throws_ok(
    $$ update litellm.credit_lots set remaining = -1 where user_id = 'rr-user' $$,
    '23514', null, 'credit_lots refuses a remainder below zero'
);
select throws_ok(
    $$ update litellm.credit_lots set amount = 0, remaining = 0 where user_id = 'rr-user' $$,
    '23514', null, 'credit_lots refuses a lot of nothing'
);
select throws_ok(
    $$ update litellm.credit_lots set slot = 64 where user_id = 'rr-user' $$,
    '23514', null, 'credit_lots refuses slot 64'
);

-- A hold.
select pg_temp.update_refused('credit_holds', 'request_id = ''rr-hold''', assignment)
from unnest(array[
    'amount = 0',
    'status = ''lost''',
    'resolved_at = now()',
    'status = ''released''',
    'status = ''settled'', resolved_at = now()',
    'status = ''settled'', resolved_at = now(), settled_amount = -1',
    'settled_amount = 1',
    'slot = 64'
]) as assignment;

-- A budget counter.
select throws_ok(
    $$ update litellm.budget_counters set spent = -1 $$, '23514', null, 'budget_counters refuses spent below zero'
);
select throws_ok(
    $$ update litellm.budget_counters set held = -1 $$, '23514', null, 'budget_counters refuses held below zero'
);
select throws_ok(
    $$ update litellm.budget_counters set quota = 1 $$, '23514', null, 'budget_counters refuses share 0 a quota above 0'
);
select throws_ok(
    $$ update litellm.budget_counters set share = 64 $$, '23514', null, 'budget_counters refuses share 64'
);

-- A usage-log row, inserted by the application role as it may.
create function pg_temp.usage_refused(assignment text) returns setof text
language plpgsql as $$
begin
    return query select * from throws_ok(
        format(
            'insert into litellm.llm_usage_log (user_id, provider, model, %s) values (%L, %L, %L, -1)',
            assignment, 'rr-user', 'openai', 'gpt-4'
        ),
        '23514', null, 'llm_usage_log refuses a negative ' || assignment
    );
end
$$;
grant execute on function pg_temp.usage_refused(text) to litellm_app;
set local role litellm_app;
select pg_temp.usage_refused('prompt_tokens');
select pg_temp.usage_refused('completion_tokens');
select pg_temp.usage_refused('latency_ms');
select pg_temp.usage_refused('cost_usd');
select pg_temp.usage_refused('cost_credits');
select pg_temp.usage_refused('uncharged_credits');
select lives_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_usd)
       values ('rr-user', 'openai', 'gpt-4', 0, 0, 0) $$,
    'llm_usage_log takes a row of zeros from the application role'
);
reset role;
select is(
    (
        select count(*)
        from pg_catalog.pg_inherits as i
        inner join pg_catalog.pg_constraint as c on i.inhrelid = c.conrelid and c.conname = 'llm_usage_log_rules'
        where i.inhparent = 'litellm.llm_usage_log'::regclass
    ),
    (
        select count(*)
        from pg_catalog.pg_inherits as i
        where i.inhparent = 'litellm.llm_usage_log'::regclass
    ),
    'every partition of the usage log has the rule'
);

select * from finish();
rollback;
