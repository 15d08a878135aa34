begin;
select plan(10);

insert into litellm.power_levels (power_level, display_name, cost_multiplier, max_latency_ms, min_quality)
values ('named', 'Named', 1, 1000, 50), ('spare', 'Spare', 1, 1000, 50), ('other', 'Other', 1, 1000, 50);
select litellm_test.funded_user('leveled', 10);
select litellm.debit_user_credits('leveled', 1, power_level => 'named');

select throws_ok(
    $$ delete from litellm.power_levels where power_level = 'named' $$,
    'LD058', 'power level ''named'' is named by journal entries and cannot be deleted',
    'a level the journal names cannot be deleted'
);
select throws_ok(
    $$ update litellm.power_levels set power_level = 'renamed' where power_level = 'named' $$,
    'LD058', 'power level ''named'' is named by journal entries and cannot be renamed',
    'a level the journal names cannot be renamed'
);
select throws_ok(
    $$ truncate litellm.power_levels $$,
    'LD058', 'power_levels cannot be truncated: journal entries name power levels',
    'power_levels cannot be truncated while the journal names a level'
);
select lives_ok(
    $$ update litellm.power_levels set cost_multiplier = 2, display_name = 'Still named' where power_level = 'named' $$,
    'a named level''s settings can change'
);
select lives_ok(
    $$ update litellm.power_levels set power_level = 'spare2' where power_level = 'spare' $$,
    'a level the journal does not name can be renamed'
);
select lives_ok(
    $$ delete from litellm.power_levels where power_level = 'spare2' $$,
    'a level the journal does not name can be deleted'
);
select is(
    (
        select count(*) from litellm.power_levels
        where power_level in ('named', 'spare', 'spare2')
    ),
    1::bigint, 'the named level stays, the spare one is gone'
);

select throws_ok(
    $$ select litellm.debit_user_credits('leveled', 1, power_level => 'spare2') $$,
    'LD003', null, 'a debit naming a level that does not exist is refused before it writes'
);
select is(litellm_test.journal_count('leveled'), 2::bigint, 'no journal entry for the refused debit');

set local role litellm_app;
select throws_ok(
    $$ insert into litellm.credit_transactions (user_id, seq, transaction_type, amount, balance_after, power_level)
       values ('leveled', 99, 'usage', -1, 0, 'nowhere') $$,
    '42501', null, 'the application cannot write the journal itself, so no entry names an unknown level'
);
reset role;

select * from finish();
rollback;
