-- Privileges, all in one place, re-applied with every API change.
-- Nothing is executable by PUBLIC; the two group roles get what they need.

revoke all on all functions in schema litellm from public;
alter default privileges in schema litellm revoke execute on functions from public;

grant usage on schema litellm to litellm_app, litellm_analyst;

grant select on litellm.tiers, litellm.power_levels, litellm.credit_packages
to litellm_app, litellm_analyst;

grant execute on function
litellm.add_user_credits(text, numeric, text, text, text, integer, text, jsonb, text),
litellm.debit_user_credits(text, numeric, text, text, bigint, bigint, text, jsonb, text),
litellm.get_user_balance(text)
to litellm_app;
