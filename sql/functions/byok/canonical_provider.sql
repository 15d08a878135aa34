-- The one home of provider spellings: canonical_provider() folds a name to the
-- one keys are stored under, with the aliases of litellm.provider_aliases.
-- Every key function takes its provider through _check_provider(), which calls
-- it; the triggers below keep what is stored canonical for direct writes and
-- when the owner changes an alias.

create or replace function litellm.canonical_provider(provider text)
returns text
language sql
stable
parallel safe
begin atomic
    select coalesce(a.provider, n.name)
    from (select lower(btrim(canonical_provider.provider)) as name) as n  -- noqa: RF01
    left join litellm.provider_aliases as a on n.name = a.alias;
end;

comment on function litellm.canonical_provider(text) is
'A provider name as the key functions store it: trimmed, in lower case, and an alias of provider_aliases replaced by '
'its provider (together_ai -> together). NULL for NULL. The key functions call it on every provider they are given, '
'so a key stored under one spelling is found under any other.';

create or replace function litellm._canonical_key_provider()
returns trigger
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
    new.provider := litellm.canonical_provider(new.provider);
    return new;
end
$$;

comment on function litellm._canonical_key_provider() is
'Trigger function: a key written to user_provider_keys directly (a plain INSERT or UPDATE) is stored under the canonical '
'provider name too.';

create or replace trigger user_provider_keys_canonical_provider
before insert or update of provider on litellm.user_provider_keys
for each row execute function litellm._canonical_key_provider();

create or replace function litellm._provider_alias_changed()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if exists (select from litellm.provider_aliases as a where a.alias = new.provider)
       or exists (select from litellm.provider_aliases as a where a.provider = new.alias) then
        raise exception using
            errcode = 'LD391',
            message = format('provider alias %s -> %s would chain aliases', new.alias, new.provider),
            detail = 'An alias must name a canonical provider, and a canonical provider cannot be an alias.',
            hint = 'Point every alias straight at the canonical name.';
    end if;
    -- Keys already stored under the new spelling move to the canonical name.
    update litellm.user_provider_keys as k set provider = new.provider where k.provider = new.alias;
    return null;
exception
    when unique_violation then
        raise exception using
            errcode = 'LD390',
            message = format('some users have keys under both %s and %s', new.alias, new.provider),
            detail = 'Making one an alias of the other would give those users two keys for one provider.',
            hint = format('Delete one of the two keys of each such user (select user_id from litellm.user_provider_keys '
                          'where provider in (%L, %L) group by user_id having count(*) > 1), then add the alias.',
                          new.alias, new.provider);
end
$$;

comment on function litellm._provider_alias_changed() is
'Trigger function: refuses an alias that would chain aliases (LD391); moves keys stored under a new alias to its '
'provider, refusing when a user has keys under both names (LD390).';

create or replace trigger provider_aliases_changed
after insert or update on litellm.provider_aliases
for each row execute function litellm._provider_alias_changed();
