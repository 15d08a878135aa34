begin;
select plan(8);

select litellm_test.funded_user('climber', 10);

select results_eq(
    $$ select old_tier, new_tier, changed from litellm.set_user_tier('climber', 'Professional', 'annual plan') $$,
    $$ values ('free'::text, 'professional'::text, true) $$,
    'the tier changes (compared in lower case)'
);
select is(
    (
        select tier from litellm.user_credits
        where user_id = 'climber'
    ),
    'professional',
    'the account has the new tier'
);
select results_eq(
    $$ select changed from litellm.set_user_tier('climber', 'professional', 'again') $$,
    $$ values (false) $$,
    'setting the same tier changes nothing'
);
select litellm.set_user_tier('climber', 'starter', 'downgrade');
select results_eq(
    $$ select old_tier, new_tier, reason, changed_by = session_user
       from litellm.user_tier_history where user_id = 'climber' order by history_id $$,
    $$ values ('free'::text, 'professional'::text, 'annual plan'::text, true),
              ('professional', 'starter', 'downgrade', true) $$,
    'each change is in the history with its reason and who made it'
);
select throws_ok(
    $$ select litellm.set_user_tier('climber', 'platinum', 'x') $$,
    'LD220', 'unknown tier ''platinum''', 'unknown tier'
);
select throws_ok(
    $$ select litellm.set_user_tier('nobody', 'starter', 'x') $$,
    'LD203', 'unknown user nobody', 'unknown user'
);
select throws_ok(
    $$ select litellm.set_user_tier('climber', null, 'x') $$,
    'LD220', 'unknown tier NULL', 'NULL tier'
);
select is(
    (
        select count(*) from litellm.user_tier_history
        where user_id = 'climber'
    ),
    2::bigint,
    'refused changes wrote no history'
);

select * from finish();
rollback;
