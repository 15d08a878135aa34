-- A slot account's monthly cap is split into shares, one per slot; a debit
-- that no slot's share covers brings the shares together, so it is refused
-- only when the account's spending would pass the whole cap.
begin;
select plan(8);

select litellm.add_user_credits('capped', 100, 'purchase');
update litellm.user_credits set monthly_cap = 40
where user_id = 'capped';
select litellm.set_account_slots('capped', 4);

select results_eq(
    $$ select uc.cap_fraction + sum(s.cap_fraction), min(s.cap_fraction) = uc.cap_fraction
       from litellm.user_credits as uc inner join litellm.credit_slots as s using (user_id)
       where uc.user_id = 'capped' group by uc.cap_fraction $$,
    $$ values (1::numeric, true) $$,
    'the cap is split evenly, the fractions summing to exactly 1'
);
select results_eq(
    $$ select success from litellm.debit_user_credits('capped', 8) $$, $$ values (true) $$,
    'a debit within one slot''s share (10)'
);
select results_eq(
    $$ select success, error_code from litellm.debit_user_credits('capped', 15) $$,
    $$ values (true, null::text) $$,
    'a debit past every slot''s share but within the cap: the shares are brought together'
);
select results_eq(
    $$ select success, error_code, error_message from litellm.debit_user_credits('capped', 18) $$,
    $$ values (false, 'monthly_cap_exceeded'::text,
               'Monthly cap 40.000000 reached: spent 23.000000 this month, held 0.000000, cost 18.000000'::text) $$,
    'refused only past the account''s whole cap, with the account''s spending'
);
select results_eq(
    $$ select success from litellm.debit_user_credits('capped', 17) $$, $$ values (true) $$,
    'up to the cap exactly'
);
select results_eq(
    $$ select sum(month_spent), sum(cap_fraction) from (
           select month_spent, cap_fraction from litellm.user_credits where user_id = 'capped'
           union all select month_spent, cap_fraction from litellm.credit_slots where user_id = 'capped'
       ) as s $$,
    $$ values (40.000000::numeric, 1::numeric) $$,
    'the slots spent the cap between them; the fractions still sum to 1'
);
select is_empty($$ select * from litellm_test.slot_problems('capped') $$, 'every slot agrees with its journal');

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
