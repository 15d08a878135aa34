-- Defaults for llm_usage_log that a column DEFAULT cannot express: total_tokens
-- derived from the other two counts, and NULLs from loggers (Python None)
-- stored as the column's neutral value so that logging a call never fails.

create or replace function litellm._usage_log_defaults()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    new.prompt_tokens := coalesce(new.prompt_tokens, 0);
    new.completion_tokens := coalesce(new.completion_tokens, 0);
    new.total_tokens := coalesce(new.total_tokens, new.prompt_tokens + new.completion_tokens);
    new.cost_credits := coalesce(new.cost_credits, 0);
    new.request_metadata := coalesce(new.request_metadata, '{}');
    new.response_metadata := coalesce(new.response_metadata, '{}');
    return new;
end
$$;

comment on function litellm._usage_log_defaults() is
'Trigger function (BEFORE INSERT on llm_usage_log): total_tokens := prompt_tokens + completion_tokens when NULL; NULL '
'token counts and cost_credits become 0, NULL metadata {}.';

-- Row triggers on the partitioned parent are cloned to every partition,
-- including partitions attached later. The WHEN clause keeps the common case
-- (every value given, as in the seed's INSERT) free of a function call.
create or replace trigger llm_usage_log_defaults
before insert on litellm.llm_usage_log
for each row
when (
    new.total_tokens is null
    or new.prompt_tokens is null
    or new.completion_tokens is null
    or new.cost_credits is null
    or new.request_metadata is null
    or new.response_metadata is null
)
execute function litellm._usage_log_defaults();
