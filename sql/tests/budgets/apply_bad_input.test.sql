-- _apply_budgets rejects bad arguments with documented SQLSTATEs.
begin;
select plan(6);

select throws_ok(
    $$ select litellm._apply_budgets('u', null, null, 1, 'debit') $$, 'LD050', null, 'an unknown kind'
);
select throws_ok(
    $$ select litellm._apply_budgets('u', null, null, 1, 'charge', array[''] ) $$, 'LD050', null, 'a blank tag'
);
select throws_ok(
    $$ select litellm._apply_budgets('u', null, null, 1, 'charge', array_fill('t'::text, array[17])) $$,
    'LD050', null, 'more than 16 tags'
);
select throws_ok(
    $$ select litellm._apply_budgets('u', null, null, -1, 'charge') $$, 'LD001', null, 'a negative amount'
);
select throws_ok(
    $$ select litellm._apply_budgets(null, null, null, 1, 'charge') $$, 'LD004', null, 'a NULL user'
);
select throws_ok(
    $$ select litellm._apply_budgets('u', repeat('t', 256), null, 1, 'charge') $$, 'LD007', null, 'an over-long team'
);

select * from finish();
rollback;
