create or replace function litellm.set_budget_shares(budget_id bigint, shares integer)
returns litellm.budgets
language plpgsql
volatile
-- definer: the application role does not write budgets or their counters directly.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_row litellm.budgets;
begin
    if shares is null or shares not between 1 and 64 then
        raise exception using
            errcode = 'LD071',
            message = format('invalid number of budget shares %s', coalesce(shares::text, 'NULL')),
            hint = 'A budget is counted in 1 to 64 rows per period; 1 is one row, as budgets are by default.';
    end if;
    update litellm.budgets as b
    set shares = set_budget_shares.shares, updated_at = pg_catalog.now()
    where b.budget_id = set_budget_shares.budget_id
    returning b.* into v_row;
    if not found then
        raise exception using
            errcode = 'LD072',
            message = format('unknown budget %s', coalesce(set_budget_shares.budget_id::text, 'NULL'));
    end if;
    -- This period's rows: created or folded into share 0, the limit shared
    -- out again; charges that read the old number meanwhile stay exact.
    perform litellm._resplit_budget(v_row);
    return v_row;
end
$$;

comment on function litellm.set_budget_shares(bigint, integer) is
'Sets how many counter rows a budget counts each period in (1 to 64). More than one lets concurrent charges of the '
'budget''s users take different rows instead of queueing on one; the hard limit stays exact (docs/budgets.md, "Split '
'counters"). Takes effect at once, safe under load: this period''s rows are created, or those beyond the new number '
'folded into the first, and the limit shared out again. 1 goes back to one row. Returns the budget. Raises LD071 '
'(shares outside 1 to 64) and LD072 (unknown budget_id).';
