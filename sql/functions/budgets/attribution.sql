-- Daily attribution of spending: per user, day, team, organisation and model
-- (spend_daily) and per user, day and tag (spend_tag_daily).

create or replace function litellm._attribute_spend(
    user_id text,
    team_id text,
    organization_id text,
    model text,
    amount numeric,
    kind text,
    tags text[]
)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_today date := (pg_catalog.now() at time zone 'UTC')::date;
begin
    -- Keyed by user first: only this user's transactions, already queued on
    -- the account row, ever write these rows.
    if _attribute_spend.team_id is not null then
        insert into litellm.spend_daily as s (
            user_id, date, team_id, organization_id, model, spend, refunded, charge_count
        ) values (
            _attribute_spend.user_id, v_today, _attribute_spend.team_id,
            coalesce(_attribute_spend.organization_id, ''), coalesce(_attribute_spend.model, ''),
            case when kind = 'refund' then 0 else amount end,
            case when kind = 'refund' then amount else 0 end,
            case when kind = 'refund' then 0 else 1 end
        )
        on conflict on constraint spend_daily_pkey do update
        set spend = s.spend + excluded.spend,
            refunded = s.refunded + excluded.refunded,
            charge_count = s.charge_count + excluded.charge_count;
    end if;
    if tags is not null then
        insert into litellm.spend_tag_daily as s (user_id, date, tag, spend, refunded, charge_count)
        select
            _attribute_spend.user_id, v_today, t.tag,
            case when kind = 'refund' then 0 else amount end,
            case when kind = 'refund' then amount else 0 end,
            case when kind = 'refund' then 0 else 1 end
        from unnest(tags) as t (tag)
        order by t.tag
        on conflict on constraint spend_tag_daily_pkey do update
        set spend = s.spend + excluded.spend,
            refunded = s.refunded + excluded.refunded,
            charge_count = s.charge_count + excluded.charge_count;
    end if;
end
$$;

comment on function litellm._attribute_spend(text, text, text, text, numeric, text, text[]) is
'Adds a charge or settlement (kind charge or settle: to spend and charge_count) or a refund (kind refund: to '
'refunded) of amount by user_id to today''s (UTC) attribution rows: spend_daily when it was made in team_id (of '
'organization_id, for model), spend_tag_daily once for each of tags. For _apply_budgets().';
