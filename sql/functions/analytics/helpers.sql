-- Argument checks shared by the usage analytics functions. Each raises LD021
-- (invalid usage argument) and returns a value ready to use; their row limit is
-- common/validation.sql's _check_max_rows.

create or replace function litellm._usage_since(days integer)
returns date
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
    if days is null or days not between 1 and 36600 then
        raise exception using
            errcode = 'LD021',
            message = format('days must be between 1 and 36600, got %s', coalesce(days::text, 'NULL')),
            hint = 'days = 1 is today (UTC), days = 7 is today and the 6 days before it.';
    end if;
    return (pg_catalog.now() at time zone 'UTC')::date - (days - 1);
end
$$;

comment on function litellm._usage_since(integer) is
'First UTC date of "the last days days", today included: days = 1 is today. LD021 unless 1 <= days <= 36600.';
