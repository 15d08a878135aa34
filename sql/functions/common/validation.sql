-- Internal argument checks shared by the API functions. Each raises a
-- documented LDxxx SQLSTATE (docs/errors.md) and returns its argument
-- normalised, so callers write `x := litellm._check_...(x)`.

create or replace function litellm._check_user_id(user_id text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if user_id is null or btrim(user_id) = '' then
        raise exception using
            errcode = 'LD004',
            message = 'user_id is required',
            hint = 'Pass the gateway''s stable id for the user (for example a Keycloak subject).';
    end if;
    if length(user_id) > 255 then
        raise exception using
            errcode = 'LD004',
            message = 'user_id is longer than 255 characters',
            detail = format('length: %s', length(user_id));
    end if;
    return user_id;
end
$$;

comment on function litellm._check_user_id(text) is
'Rejects a NULL, blank or over-long user id with LD004; returns it unchanged.';

create or replace function litellm._check_amount(amount numeric, argument text, allow_zero boolean)
returns numeric
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if amount is null then
        raise exception using
            errcode = 'LD001', message = format('%s is required', argument);
    end if;
    if amount in ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric) then
        raise exception using
            errcode = 'LD001', message = format('%s must be a finite number, not %s', argument, amount);
    end if;
    if amount < 0 or (amount = 0 and not allow_zero) then
        raise exception using
            errcode = 'LD001',
            message = format('%s must be %s, got %s', argument,
                             case when allow_zero then 'zero or positive' else 'positive' end, amount);
    end if;
    if amount <> round(amount, 6) then
        raise exception using
            errcode = 'LD001',
            message = format('%s has more than 6 decimal places: %s', argument, amount),
            hint = 'Credits are exact to one millionth; round the amount before passing it.';
    end if;
    if amount >= 1e14 then
        raise exception using
            errcode = 'LD001', message = format('%s is too large: %s', argument, amount),
            hint = 'Amounts must be below 100000000000000 credits.';
    end if;
    return round(amount, 6);
end
$$;

comment on function litellm._check_amount(numeric, text, boolean) is
'Rejects NULL, NaN, infinite, negative (or zero unless allowed), over-precise and over-large amounts '
'with LD001; returns the amount at scale 6.';

create or replace function litellm._check_text(value text, argument text, max_length integer)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if length(value) > max_length then
        raise exception using
            errcode = 'LD007',
            message = format('%s is longer than %s characters', argument, max_length),
            detail = format('length: %s', length(value));
    end if;
    return value;
end
$$;

comment on function litellm._check_text(text, text, integer) is
'Rejects text longer than max_length with LD007; NULL passes.';

create or replace function litellm._metadata_invalid(metadata jsonb)
returns boolean
language sql
immutable
security invoker
begin atomic
    -- NULL passes: the callers read it as {}.
    select jsonb_typeof(metadata) <> 'object' or octet_length(metadata::text) > 65536;  -- noqa: RF01
end;

comment on function litellm._metadata_invalid(jsonb) is
'Whether a metadata document is one _check_metadata() refuses (not an object, or over 64 KiB as text): the inlined '
'test of the predicates that spare a valid call every check (_debit_args_invalid, _usage_args_invalid).';

create or replace function litellm._check_metadata(metadata jsonb)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if metadata is null then
        return '{}'::jsonb;
    end if;
    if jsonb_typeof(metadata) <> 'object' then
        raise exception using
            errcode = 'LD007',
            message = format('metadata must be a JSON object, got %s', jsonb_typeof(metadata));
    end if;
    if pg_catalog.octet_length(metadata::text) > 65536 then
        raise exception using
            errcode = 'LD007', message = 'metadata is larger than 64 KiB';
    end if;
    return metadata;
end
$$;

comment on function litellm._check_metadata(jsonb) is
'Returns {} for NULL; rejects non-objects and documents over 64 KiB with LD007.';

create or replace function litellm._idempotency_conflict(key_name text, key_value text, field text, stored text, given text)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    raise exception using
        errcode = 'LD101',
        message = format('%s %s was already used with a different %s', key_name, key_value, field),
        detail = format('field: %s; stored: %s; given: %s', field, coalesce(stored, 'NULL'), coalesce(given, 'NULL')),
        hint = 'A replay must repeat the original arguments; use a new key for a new operation.';
end
$$;

comment on function litellm._idempotency_conflict(text, text, text, text, text) is
'Raises LD101 naming the field in which a replay differs from the original.';

create or replace function litellm._check_usd(amount numeric, argument text)
returns numeric
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if amount is null or amount in ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)
       or amount < 0 or amount >= 1e12 then
        raise exception using
            errcode = 'LD021',
            message = format('%s must be a finite amount from 0 to below 10^12, got %s', argument,
                             coalesce(amount::text, 'NULL'));
    end if;
    return amount;
end
$$;

comment on function litellm._check_usd(numeric, text) is
'Rejects a US dollar amount that is NULL, NaN, infinite, negative or 10^12 or more with LD021; returns it unchanged.';

create or replace function litellm._check_tokens(prompt_tokens bigint, completion_tokens bigint)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if prompt_tokens < 0 or completion_tokens < 0 then
        raise exception using
            errcode = 'LD002',
            message = format('token counts must not be negative (prompt %s, completion %s)', prompt_tokens,
                             completion_tokens);
    end if;
    if greatest(prompt_tokens, completion_tokens) > 2147483647 then
        raise exception using
            errcode = 'LD002',
            message = format('token counts must be below 2^31 (prompt %s, completion %s)', prompt_tokens,
                             completion_tokens);
    end if;
end
$$;

comment on function litellm._check_tokens(bigint, bigint) is
'Rejects token counts below 0 or of 2^31 or more with LD002 (NULL counts pass: callers count them as 0).';

create or replace function litellm._power_level_key(power_level text)
returns text
language sql
immutable
security invoker
begin atomic
    select lower(btrim(power_level));
end;

comment on function litellm._power_level_key(text) is
'The power level a caller''s spelling names: trimmed and in lower case, as litellm.power_levels stores it.';

create or replace function litellm._unknown_power_level(power_level text)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    raise exception using
        errcode = 'LD003',
        message = format('unknown power level %s', coalesce(quote_literal(power_level), 'NULL')),
        hint = 'See litellm.power_levels for the configured levels.';
end
$$;

comment on function litellm._unknown_power_level(text) is
'Raises LD003 for a power level that litellm.power_levels does not configure, naming it as the caller spelt it.';

create or replace function litellm._check_power_level(power_level text)
returns text
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_level text := litellm._power_level_key(power_level);
begin
    if v_level is not null
       and not exists (select from litellm.power_levels as pl where pl.power_level = v_level) then
        perform litellm._unknown_power_level(power_level);
    end if;
    return v_level;
end
$$;

comment on function litellm._check_power_level(text) is
'The configured power level a caller''s spelling names (see _power_level_key), NULL for none; LD003 for one that '
'litellm.power_levels does not configure.';

create or replace function litellm._check_max_rows(max_rows integer)
returns integer
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if max_rows < 1 then
        raise exception using
            errcode = 'LD009',
            message = format('max_rows must be at least 1, got %s', max_rows),
            hint = 'Pass NULL for every row.';
    end if;
    return max_rows;
end
$$;

comment on function litellm._check_max_rows(integer) is
'The row limit of every listing and report: returns max_rows for a LIMIT (NULL: every row); LD009 when it is below 1.';
