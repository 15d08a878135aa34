-- Split budget counters. A budget shared by many users (a team's, an
-- organisation's) is one counter row per period, so the charges of all its
-- users queue on it. A budget with shares > 1 counts each period in that many
-- rows (shares 0 .. shares - 1), each allowed its part of the hard limit; a
-- charge takes a row no other transaction holds, and only when none has room
-- locks them all (in share order) and moves room between them. The limit stays
-- exact: the parts always add up to the hard limit (docs/budgets.md, "Split
-- counters"). A budget with one share has one row per period, as before.

alter table litellm.budgets
add column shares smallint not null default 1 check (shares between 1 and 64);

comment on column litellm.budgets.shares is
'How many counter rows the budget counts each period in (1 to 64; set_budget_shares()). 1: one row, every charge of '
'the budget queues on it. More: concurrent charges take different rows (docs/budgets.md, "Split counters").';

alter table litellm.budget_counters
add column share smallint not null default 0 check (share between 0 and 63),
add column quota numeric(20, 6) not null default 0,
add check (case when share = 0 then quota <= 0 else quota >= 0 end);

alter table litellm.budget_counters drop constraint budget_counters_pkey;
alter table litellm.budget_counters add constraint budget_counters_pkey primary key (budget_id, period_start, share);

comment on table litellm.budget_counters is
'What a budget has spent and holds in one period, in one row per share (share 0 only, unless the budget is split). '
'Written only by _apply_budgets() and the functions that set a budget, under row locks; the rows of a new period are '
'created by the first charge or hold in it. Fill factor 50 keeps the updates HOT.';
comment on column litellm.budget_counters.share is
'Which of the budget''s counter rows for the period this is: 0 .. shares - 1 (a budget with one share has only 0).';
comment on column litellm.budget_counters.quota is
'The part of the hard limit this row may count: share 0 may count hard_limit + quota (quota <= 0, what it lent to '
'the other shares), any other share quota. The quotas of a period add up to 0, so spent + held over all rows never '
'passes the hard limit. Always 0 for a budget with one share.';
comment on column litellm.budget_counters.spent is
'Charges in the period counted in this row, net of refunds (never below 0). The budget''s spending in the period is '
'the sum over its rows.';
comment on column litellm.budget_counters.held is
'Live reservations counted in this row. Only the newest period of a budget holds any: creating a period''s rows moves '
'the held amounts of the previous period into its share 0.';

-- The budgets that apply to a charge now also say how many shares each has:
-- their result type changes, so they are dropped here and the API recreates
-- them (with get_budget_status, whose body names _subject_budgets).
drop function if exists litellm.get_budget_status(text, text, text);
drop function if exists litellm._budgets_applying(text, text, text, text, boolean, boolean);
drop function if exists litellm._subject_budgets(text, text, text, boolean, boolean);
drop function if exists litellm._move_budget_counters(text, text, text, text, boolean, boolean, numeric, text);
