-- How much model time a person may spend: a reply quota over a rolling window, and a cap on
-- replies being written at once, lower for guests (anonymous sign-ins).
--
-- The limits are enforced by a trigger on chat_messages, at the moment a reply starts being
-- written (an empty `streaming` reply is inserted, or a failed one is reopened). Every path to a
-- model call passes there first: post_message, restart_reply, and a person's own requests to
-- PostgREST alike. A refusal raises SQLSTATE PT429, which PostgREST answers as HTTP 429; its
-- detail is JSON saying which limit and when to try again, and the app words it from that.
--
-- Operators tune the plans in private.usage_plans, and give one person other limits through the
-- admin API: app_metadata.reply_limit and app_metadata.concurrent_reply_limit (see the README).

create table private.usage_plans (
	plan text primary key check (plan in ('member', 'guest')),
	replies_per_period integer not null check (replies_per_period >= 0),
	period interval not null check (period > interval '0'),
	concurrent_replies integer not null check (concurrent_replies >= 1)
);
insert into private.usage_plans (plan, replies_per_period, period, concurrent_replies) values
	('member', 200, interval '24 hours', 3),
	('guest', 20, interval '24 hours', 1);

-- One row per reply started, kept for as long as the longest period needs it.
create table private.reply_charges (
	user_id uuid not null references auth.users (id) on delete cascade,
	reply_id uuid not null,
	charged_at timestamptz not null default now()
);
create index reply_charges_user_id_charged_at_idx on private.reply_charges (user_id, charged_at);
create index reply_charges_reply_id_idx on private.reply_charges (reply_id);

-- In the private schema, which PostgREST does not expose, and closed to the API roles all the same.
alter table private.usage_plans enable row level security;
alter table private.reply_charges enable row level security;
revoke all on table private.usage_plans, private.reply_charges from public, anon, authenticated;

-- Serves the count of replies being written. A writer that died leaves its reply `streaming`;
-- such a reply stops counting once it is older than the lease below.
create index chat_messages_user_id_streaming_idx on public.chat_messages (user_id) where status = 'streaming';

-- A non-negative integer from app_metadata, or null for anything else.
create function private.metadata_int(p_metadata jsonb, p_key text)
returns integer
language sql
immutable
set search_path = ''
as $$
	select case
		when jsonb_typeof(p_metadata -> p_key) = 'number' and (p_metadata ->> p_key) ~ '^\d{1,9}$'
		then (p_metadata ->> p_key)::integer
	end;
$$;

-- The limits that apply to one person: their plan's, unless app_metadata says otherwise.
create function private.usage_limits_for(p_user_id uuid)
returns table (plan text, replies_per_period integer, period interval, concurrent_replies integer)
language sql
stable
security definer
set search_path = ''
as $$
	select p.plan,
		coalesce(private.metadata_int(u.raw_app_meta_data, 'reply_limit'), p.replies_per_period),
		p.period,
		coalesce(private.metadata_int(u.raw_app_meta_data, 'concurrent_reply_limit'), p.concurrent_replies)
	from auth.users u
	join private.usage_plans p on p.plan = case when u.is_anonymous then 'guest' else 'member' end
	where u.id = p_user_id;
$$;

-- How long a `streaming` reply counts as being written.
create function private.reply_lease()
returns interval
language sql
immutable
set search_path = ''
as $$ select interval '10 minutes' $$;

create function private.charge_reply()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_limits record;
	v_used integer;
	v_oldest timestamptz;
	v_active integer;
begin
	select * into v_limits from private.usage_limits_for(new.user_id);
	if not found then
		return new;
	end if;
	-- Two requests of one person at once must not both take the last reply of the quota.
	perform pg_advisory_xact_lock(hashtextextended('parley.reply_charges:' || new.user_id::text, 0));

	select count(*) into v_active
	from public.chat_messages m
	where m.user_id = new.user_id and m.status = 'streaming' and m.id <> new.id
		and exists (
			select 1 from private.reply_charges c
			where c.reply_id = m.id and c.charged_at > now() - private.reply_lease()
		);
	if v_active >= v_limits.concurrent_replies then
		raise exception 'too many replies being written at once'
			using errcode = 'PT429',
				detail = json_build_object(
					'limit', 'concurrent', 'plan', v_limits.plan, 'max', v_limits.concurrent_replies,
					'retry_after', 10
				)::text;
	end if;

	select count(*), min(c.charged_at) into v_used, v_oldest
	from private.reply_charges c
	where c.user_id = new.user_id and c.charged_at > now() - v_limits.period;
	if v_used >= v_limits.replies_per_period then
		raise exception 'reply quota used up'
			using errcode = 'PT429',
				detail = json_build_object(
					'limit', 'quota', 'plan', v_limits.plan, 'max', v_limits.replies_per_period,
					'period_seconds', extract(epoch from v_limits.period)::integer,
					'retry_after', greatest(1, ceil(extract(epoch from
						coalesce(v_oldest + v_limits.period - now(), v_limits.period))))::integer
				)::text;
	end if;

	delete from private.reply_charges c
	where c.user_id = new.user_id and c.charged_at <= now() - greatest(v_limits.period, private.reply_lease());
	insert into private.reply_charges (user_id, reply_id) values (new.user_id, new.id);
	return new;
end;
$$;

create trigger chat_messages_charge_new_reply
	before insert on public.chat_messages
	for each row when (new.role = 'assistant' and new.status = 'streaming')
	execute function private.charge_reply();

create trigger chat_messages_charge_reopened_reply
	before update of status on public.chat_messages
	for each row when (new.role = 'assistant' and new.status = 'streaming' and old.status <> 'streaming')
	execute function private.charge_reply();

-- What the account page shows: the caller's limits and how much of them is used.
create function public.my_usage()
returns table (
	plan text,
	replies_used integer,
	replies_per_period integer,
	period_seconds integer,
	concurrent_replies integer
)
language sql
stable
security definer
set search_path = ''
as $$
	select l.plan,
		(select count(*)::integer from private.reply_charges c
			where c.user_id = (select auth.uid()) and c.charged_at > now() - l.period),
		l.replies_per_period,
		extract(epoch from l.period)::integer,
		l.concurrent_replies
	from private.usage_limits_for((select auth.uid())) l;
$$;

revoke all on function private.usage_limits_for(uuid), private.metadata_int(jsonb, text),
	private.reply_lease(), private.charge_reply() from public, anon, authenticated;
revoke all on function public.my_usage() from public, anon;
grant execute on function public.my_usage() to authenticated;
