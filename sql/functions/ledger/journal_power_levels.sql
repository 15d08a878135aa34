-- A power level the journal names stays: the journal keeps no foreign key to
-- litellm.power_levels (its key-share lock would cost every debit), so the
-- rarely-written catalogue side makes the check instead.

create or replace function litellm._refuse_named_power_level_change()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'UPDATE' and new.power_level = old.power_level then
        return new;
    end if;
    if current_setting('transaction_isolation') <> 'read committed' then
        raise exception using
            errcode = 'LD059',
            message = format('power level changes need a read committed transaction, not %s',
                             current_setting('transaction_isolation')),
            hint = 'Delete, rename or truncate power levels in a read committed transaction: only then does '
                   'the check see every journal entry committed while it waited.';
    end if;
    -- Wait for every transaction writing the journal to end, and keep new writers out until this
    -- one ends: each statement below then sees every entry that can name the level.
    lock table litellm.credit_transactions in share mode;
    if tg_op = 'TRUNCATE' then
        if exists (select from litellm.credit_transactions as ct where ct.power_level is not null) then
            raise exception using
                errcode = 'LD058',
                message = 'power_levels cannot be truncated: journal entries name power levels',
                hint = 'Power levels the journal names stay; change their settings instead.';
        end if;
        return null;
    end if;
    if exists (select from litellm.credit_transactions as ct where ct.power_level = old.power_level) then
        raise exception using
            errcode = 'LD058',
            message = format('power level %L is named by journal entries and cannot be %s',
                             old.power_level, case tg_op when 'DELETE' then 'deleted' else 'renamed' end),
            hint = 'Power levels the journal names stay; change their settings instead.';
    end if;
    if tg_op = 'DELETE' then
        return old;
    end if;
    return new;
end
$$;

comment on function litellm._refuse_named_power_level_change() is
'Trigger function on litellm.power_levels: refuses (LD058) to delete, rename or truncate a power level that '
'litellm.credit_transactions names, and (LD059) any such change outside a read committed transaction. It waits '
'for transactions writing the journal to finish, and holds new ones back until its own transaction ends.';

create or replace trigger power_levels_named_by_journal
before update of power_level or delete on litellm.power_levels
for each row execute function litellm._refuse_named_power_level_change();

create or replace trigger power_levels_truncate_named_by_journal
before truncate on litellm.power_levels
for each statement execute function litellm._refuse_named_power_level_change();
