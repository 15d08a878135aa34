-- Scheduling a model price. Helpers shared by the pricing functions live here
-- too: _price_key normalises a provider or model argument.

create or replace function litellm._price_key(value text, argument text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if value is null or btrim(value) = '' then
        raise exception using
            errcode = 'LD031',
            message = format('%s is required', argument);
    end if;
    perform litellm._check_text(btrim(value), argument, 255);
    return btrim(value);
end
$$;

comment on function litellm._price_key(text, text) is
'Returns a provider or model argument trimmed; rejects NULL or blank with LD031 and over 255 characters with LD007.';

create or replace function litellm.set_model_price(
    provider text,
    model text,
    prompt_per_1m numeric,
    completion_per_1m numeric,
    cached_per_1m numeric default null,
    effective_from timestamptz default now(),
    note text default null,
    source text default 'manual'
)
returns table (price_id bigint, action text)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_provider text := lower(litellm._price_key(set_model_price.provider, 'provider'));
    v_model text := litellm._price_key(set_model_price.model, 'model');
    v_prompt numeric := litellm._check_amount(set_model_price.prompt_per_1m, 'prompt_per_1m', true);
    v_completion numeric := litellm._check_amount(set_model_price.completion_per_1m, 'completion_per_1m', true);
    v_cached numeric;
    v_from timestamptz := set_model_price.effective_from;
    v_note text := litellm._check_text(set_model_price.note, 'note', 1000);
    v_source text := lower(btrim(set_model_price.source));
    v_current litellm.model_prices;
    v_next_from timestamptz;
    v_new litellm.model_prices;
begin
    if set_model_price.cached_per_1m is not null then
        v_cached := litellm._check_amount(set_model_price.cached_per_1m, 'cached_per_1m', true);
    end if;
    if v_source is null or v_source not in ('manual', 'litellm', 'default') then
        raise exception using
            errcode = 'LD033',
            message = format('source must be manual, litellm or default, not %s',
                             coalesce(quote_literal(set_model_price.source), 'NULL'));
    end if;
    if v_from is null or not isfinite(v_from) then
        raise exception using
            errcode = 'LD032',
            message = format('effective_from must be a finite time, not %s', coalesce(v_from::text, 'NULL')),
            hint = 'Omit it for now(), or pass the instant the new price starts.';
    end if;

    -- Every price change queues here, so two changes can never interleave and
    -- leave overlapping periods (there is no exclusion constraint). The reads
    -- below must see what the previous holder committed: true in READ
    -- COMMITTED (a new snapshot per statement) and guarded by SSI in
    -- SERIALIZABLE, but a REPEATABLE READ snapshot predates the lock.
    if pg_catalog.current_setting('transaction_isolation') = 'repeatable read' then
        raise exception using
            errcode = 'LD323',
            message = 'set_model_price cannot run in a REPEATABLE READ transaction',
            detail = 'Its snapshot would predate the lock that keeps price periods from overlapping.',
            hint = 'Use READ COMMITTED (the default) or SERIALIZABLE.';
    end if;
    -- The lock: SHARE ROW EXCLUSIVE on model_prices conflicts with itself and
    -- with writes, not with reads; only a role that may write the table can
    -- take it.
    lock table litellm.model_prices in share row exclusive mode;

    -- The period that starts last at or before v_from: in force at v_from
    -- unless it was closed earlier.
    select mp.* into v_current
    from litellm.model_prices as mp
    where mp.provider = v_provider and mp.model = v_model and mp.effective_from <= v_from
    order by mp.effective_from desc
    limit 1;

    if v_current.price_id is not null
       and (v_current.effective_to is null or v_current.effective_to > v_from)
       and v_current.prompt_per_1m = v_prompt
       and v_current.completion_per_1m = v_completion
       and v_current.cached_per_1m is not distinct from v_cached then
        return query select v_current.price_id, 'unchanged'::text;
        return;
    end if;

    if v_from < pg_catalog.now()
       and exists (select from litellm.model_prices as mp where mp.provider = v_provider and mp.model = v_model) then
        raise exception using
            errcode = 'LD321',
            message = format('a price of %s/%s cannot start in the past (%s)', v_provider, v_model, v_from),
            detail = 'Costs already computed at that time would change: price history is never rewritten.',
            hint = 'Schedule the change at now() or later.';
    end if;

    if v_current.effective_from = v_from then
        if v_from <= pg_catalog.now() then
            raise exception using
                errcode = 'LD322',
                message = format('a price of %s/%s is already in force from %s', v_provider, v_model, v_from),
                hint = 'Schedule the new price at a later instant.';
        end if;
        -- A scheduled period that has not started yet: reschedule its prices.
        update litellm.model_prices as mp
        set prompt_per_1m = v_prompt,
            completion_per_1m = v_completion,
            cached_per_1m = v_cached,
            source = v_source,
            note = v_note
        where mp.price_id = v_current.price_id
        returning mp.* into v_new;
        insert into litellm.model_price_audit (provider, model, action, price_id, old, new, note)
        values (v_provider, v_model, 'replaced', v_new.price_id, to_jsonb(v_current), to_jsonb(v_new), v_note);
        return query select v_new.price_id, 'replaced'::text;
        return;
    end if;

    select min(mp.effective_from) into v_next_from
    from litellm.model_prices as mp
    where mp.provider = v_provider and mp.model = v_model and mp.effective_from > v_from;

    if v_current.price_id is not null and (v_current.effective_to is null or v_current.effective_to > v_from) then
        update litellm.model_prices as mp
        set effective_to = v_from
        where mp.price_id = v_current.price_id;
    else
        v_current := null;
    end if;

    insert into litellm.model_prices as mp (
        provider, model, prompt_per_1m, completion_per_1m, cached_per_1m, effective_from, effective_to, source, note
    ) values (
        v_provider, v_model, v_prompt, v_completion, v_cached, v_from, v_next_from, v_source, v_note
    )
    returning mp.* into v_new;

    insert into litellm.model_price_audit (provider, model, action, price_id, old, new, note)
    values (
        v_provider, v_model, case when v_current.price_id is null then 'added' else 'changed' end,
        v_new.price_id, to_jsonb(v_current), to_jsonb(v_new), v_note
    );
    return query select v_new.price_id, case when v_current.price_id is null then 'added' else 'changed' end;
end
$$;

comment on function litellm.set_model_price(text, text, numeric, numeric, numeric, timestamptz, text, text) is
'Schedules the price of a model (USD per 1M prompt, completion and cached-input tokens) from effective_from (default now()). '
'The period in force at that instant is closed there; the new one lasts until the next scheduled change, if any, else '
'until further notice. Periods never overlap and history is never rewritten; every write is audited in model_price_audit. '
'Returns the row''s price_id and action: added (first price), changed, replaced (a not-yet-started period got new prices), '
'unchanged (the same prices are already in force: nothing written). model = ''*'' sets the provider''s fallback, '
'provider = model = ''*'' the global one. source records where the price came from (manual, litellm: the importer, '
'default). Raises LD001 (bad price), LD007, LD031 (blank provider or model), '
'LD032 (effective_from NULL or infinite), LD033 (unknown source), LD321 (in the past while the model has prices), '
'LD322 (a period already in force starts at that instant), LD323 (called in a REPEATABLE READ transaction).';
