-- Provider aliases: other spellings of a provider name, such as together_ai
-- for together. The key functions store and look keys up under the canonical
-- name (litellm.canonical_provider), so a key stored under one spelling is
-- found under any other, whichever language stored it. Rows, not code: the
-- owner may add spellings (a trigger keeps the stored keys canonical).

create table litellm.provider_aliases (
    alias text primary key check (alias ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    provider text not null check (provider ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    check (alias <> provider)
);

comment on table litellm.provider_aliases is
'Other spellings of provider names: a key stored or looked up under alias is stored and looked up under provider '
'(canonical_provider). An alias is never itself the provider of another alias. Changed by the owner only.';
comment on column litellm.provider_aliases.alias is
'The other spelling, in lower case, as callers may pass it (together_ai).';
comment on column litellm.provider_aliases.provider is
'The canonical name keys are stored under (together).';

insert into litellm.provider_aliases (alias, provider) values
('hf', 'huggingface'),
('hugging_face', 'huggingface'),
('hugging-face', 'huggingface'),
('together_ai', 'together'),
('togetherai', 'together'),
('together-ai', 'together'),
('fireworks_ai', 'fireworks'),
('fireworks-ai', 'fireworks'),
('fireworksai', 'fireworks'),
('deep_infra', 'deepinfra'),
('open_router', 'openrouter'),
('azure_openai', 'azure');

-- Keys stored under an alias by an earlier release (a SQL caller's spelling)
-- move to the canonical name. Where a user has keys under several spellings
-- of one provider, the one stored last is kept: storing a key replaces the
-- user's key for that provider.
with spelled as (
    select
        k.id,
        row_number() over (
            partition by k.user_id, coalesce(a.provider, k.provider)
            order by k.updated_at desc, k.id desc
        ) as newest
    from litellm.user_provider_keys as k
    left join litellm.provider_aliases as a on k.provider = a.alias
)

delete from litellm.user_provider_keys as k
using spelled as s
where k.id = s.id and s.newest > 1;

update litellm.user_provider_keys as k
set provider = a.provider
from litellm.provider_aliases as a
where k.provider = a.alias;
