-- Hardening II: replies that cost nothing, a writer token that outlived its reply, an import that
-- skipped the app's limits, and a long chat whose path came back in no particular order.
--
-- 1. A person keeps no UPDATE on chat_messages. The writer writes with its writer token through
--    definer functions, Stop and Retry are definer functions with an explicit owner check, and
--    versions are chosen through select_version. Before this, a person could PATCH their reply's
--    progress_at into the past through PostgREST, making it look abandoned, and reopen it with
--    restart_reply as often as they liked: the charge fired only on a status change, so a
--    reopened `streaming` reply was neither charged nor counted against the cap.
-- 2. Every reopening is charged and counted, whatever the reply's status was (restart_reply calls
--    the same charge as the insert trigger).
-- 3. The writer token ends with its reply: finish_reply and a stop that closes a dead reply
--    delete it. A chat's first reply leaves a title grant instead: one use, two minutes, the
--    chat's stand-in title only (set_reply_title).
-- 4. The turn functions return the path with its depth, ordered newest first (the app puts it
--    root first; a response cut at max_rows loses the oldest), and read only what can fit the
--    model's budget: newest first, until p_budget's characters for the chat's model
--    are spent (the app trims exactly with fitToContext; this only bounds what crosses the wire).
-- 5. import_chats enforces the app's counts and lengths itself.

-- 1. No direct updates.
drop policy "Owners write their replies" on public.chat_messages;
-- A table-level REVOKE also revokes the column grants (content, status, model, progress_at,
-- stop_requested_at) made by earlier migrations.
revoke update on table public.chat_messages from authenticated, anon;

-- 2. One charge, for a reply that starts (inserted) or starts again (restart_reply).
create function private.charge_reply_start(p_user_id uuid, p_reply_id uuid)
returns void
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
	select * into v_limits from private.usage_limits_for(p_user_id);
	if not found then
		return;
	end if;
	-- Two requests of one person at once must not both take the last reply of the quota.
	perform pg_advisory_xact_lock(hashtextextended('parley.reply_charges:' || p_user_id::text, 0));

	select count(*) into v_active
	from public.chat_messages m
	where m.user_id = p_user_id and m.status = 'streaming' and m.id <> p_reply_id
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
	where c.user_id = p_user_id and c.charged_at > now() - v_limits.period;
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
	where c.user_id = p_user_id and c.charged_at <= now() - greatest(v_limits.period, private.reply_lease());
	insert into private.reply_charges (user_id, reply_id) values (p_user_id, p_reply_id);
end;
$$;
revoke all on function private.charge_reply_start(uuid, uuid) from public, anon, authenticated;

create or replace function private.charge_reply()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	perform private.charge_reply_start(new.user_id, new.id);
	return new;
end;
$$;

-- Reopening is restart_reply's alone now, and it charges explicitly (a status change was not
-- enough: a `streaming` reply made to look abandoned was reopened without one).
drop trigger chat_messages_charge_reopened_reply on public.chat_messages;

-- 3. Title grants: what a chat's first reply leaves its writer once the writer token is gone.
create table private.title_grants (
	reply_id uuid primary key references public.chat_messages (id) on delete cascade,
	token_hash text not null,
	expires_at timestamptz not null
);
alter table private.title_grants enable row level security;
revoke all on table private.title_grants from public, anon, authenticated;

create function private.token_digest(p_token text)
returns text
language sql
immutable
set search_path = ''
as $$ select encode(extensions.digest(coalesce(p_token, ''), 'sha256'), 'hex') $$;
revoke all on function private.token_digest(text) from public, anon, authenticated;

drop function public.finish_reply(uuid, text, text, public.chat_message_status, text);

-- The writer's last write: the reply as it ended. False when it was not this writer's to end.
-- The writer token is spent by it. With p_title_pending (a chat's first reply, complete), the
-- same secret may then set the chat's title once, within two minutes (set_reply_title).
create function public.finish_reply(
	p_reply_id uuid,
	p_writer_token text,
	p_content text,
	p_status public.chat_message_status,
	p_model text,
	p_title_pending boolean default false
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
	if p_status not in ('complete', 'error', 'stopped') then
		raise exception 'a reply ends complete, failed or stopped' using errcode = '22023';
	end if;
	if not private.holds_reply(p_reply_id, p_writer_token) then
		return false;
	end if;
	update public.chat_messages r
	set content = p_content, status = p_status, model = nullif(p_model, ''), progress_at = now()
	where r.id = p_reply_id and r.role = 'assistant' and r.status = 'streaming';
	if not found then
		return false;
	end if;
	delete from private.reply_writers w where w.reply_id = p_reply_id;
	if p_title_pending and p_status = 'complete' then
		delete from private.title_grants g where g.expires_at < now();
		insert into private.title_grants (reply_id, token_hash, expires_at)
		values (p_reply_id, private.token_digest(p_writer_token), now() + interval '2 minutes')
		on conflict (reply_id) do update set token_hash = excluded.token_hash, expires_at = excluded.expires_at;
	end if;
	return true;
end;
$$;

-- The generated title, for the chat of a first reply that has ended, only while the chat has its
-- stand-in title (so a rename made meanwhile wins). The grant is spent whatever the outcome.
-- Returns the stored title, or null.
create or replace function public.set_reply_title(p_reply_id uuid, p_writer_token text, p_title text, p_stand_in text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_title text;
begin
	delete from private.title_grants g
	where g.reply_id = p_reply_id and g.token_hash = private.token_digest(p_writer_token) and g.expires_at > now();
	if not found then
		return null;
	end if;
	update public.chat_sessions s set title = p_title
	from public.chat_messages r
	where r.id = p_reply_id and s.id = r.session_id and s.title = p_stand_in
	returning s.title into v_title;
	return v_title;
end;
$$;

revoke all on function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean) from public;
grant execute on function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean) to anon, authenticated;

-- Stop, from any tab or device, for the caller's own replies: the writer sees it within one
-- progress write and keeps what was written, marked stopped. A reply whose writer is gone is
-- closed as stopped at once, and its writer token with it.
create or replace function public.stop_reply(p_reply_id uuid)
returns public.chat_message_status
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_user_id uuid := (select auth.uid());
	v_status public.chat_message_status;
begin
	update public.chat_messages r
	set stop_requested_at = coalesce(r.stop_requested_at, now()),
		status = case when private.reply_is_live(r.status, r.progress_at, r.created_at) then r.status else 'stopped' end
	where r.id = p_reply_id and r.user_id = v_user_id and r.role = 'assistant' and r.status = 'streaming'
	returning r.status into v_status;
	if found then
		if v_status = 'stopped' then
			delete from private.reply_writers w where w.reply_id = p_reply_id;
		end if;
		return v_status;
	end if;
	select r.status into v_status from public.chat_messages r
	where r.id = p_reply_id and r.user_id = v_user_id and r.role = 'assistant';
	if not found then
		raise exception 'reply not found' using errcode = 'P0002';
	end if;
	return v_status;
end;
$$;
revoke all on function public.stop_reply(uuid) from public, anon;
grant execute on function public.stop_reply(uuid) to authenticated;

-- 4. What a message costs of the model's budget, in characters: what modelMessages sends (the
-- person's messages, and replies that finished or were stopped with text kept), plus four tokens
-- of framing. Failed replies and the reply being written cost nothing: the model never sees them.
create function private.context_chars(p_role public.chat_role, p_status public.chat_message_status, p_content text)
returns integer
language sql
immutable
set search_path = ''
as $$
	select case
		when p_role = 'user' then char_length(p_content) + 16
		when p_status in ('complete', 'stopped') and p_content <> '' then char_length(p_content) + 16
		else 0
	end;
$$;

-- The characters of context to read for a chat's model: p_budget is
-- {"default": n, "models": {"<model id>": n, ...}} (see src/lib/server/chat/turn.ts); a chat whose
-- model is not listed is answered by the default model. Null means no bound.
create function private.budget_chars(p_budget jsonb, p_model text)
returns integer
language sql
immutable
set search_path = ''
as $$
	select greatest(0, least(2147483647, coalesce(
		case when jsonb_typeof(p_budget -> 'models' -> p_model) = 'number' then (p_budget -> 'models' ->> p_model)::numeric end,
		case when jsonb_typeof(p_budget -> 'default') = 'number' then (p_budget ->> 'default')::numeric end,
		2147483647
	)))::integer;
$$;

-- A message and as much as fits before it, walking up from the message, with depth (0 for the
-- message itself, larger for older ones); a row whose parent_id is null is the chat's first
-- message, so the caller knows whether it has the whole path. A message is read when the ones
-- after it cost at most p_chars, so the one that crosses the budget comes too, for the app to cut
-- or drop. At most 1,000 rows, PostgREST's max_rows: the callers return them newest first, so
-- whatever a response loses is the oldest.
create function private.path_within(p_message_id uuid, p_chars integer)
returns table (
	id uuid,
	parent_id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	depth integer
)
language sql
stable
set search_path = ''
as $$
	with recursive up (id, parent_id, role, content, status, depth, later_chars) as (
		select m.id, m.parent_id, m.role, m.content, m.status, 0, 0::bigint
		from public.chat_messages m where m.id = p_message_id
		union all
		select p.id, p.parent_id, p.role, p.content, p.status, up.depth + 1,
			up.later_chars + private.context_chars(up.role, up.status, up.content)
		from up
		join public.chat_messages p on p.id = up.parent_id
		where up.depth < 999
			and up.later_chars + private.context_chars(up.role, up.status, up.content) <= coalesce(p_chars, 2147483647)
	)
	select up.id, up.parent_id, up.role, up.content, up.status, up.depth from up;
$$;
revoke all on function private.context_chars(public.chat_role, public.chat_message_status, text),
	private.budget_chars(jsonb, text), private.path_within(uuid, integer) from public, anon;
grant execute on function private.context_chars(public.chat_role, public.chat_message_status, text),
	private.budget_chars(jsonb, text), private.path_within(uuid, integer) to authenticated;

drop function public.post_message(uuid, text, uuid, text, text, uuid);
drop function public.edit_message(uuid, uuid, text, text);
drop function public.regenerate_reply(uuid);
drop function public.restart_reply(uuid);
drop function private.add_turn(uuid, text, uuid, uuid, text, text);

-- Storing a person's message and an empty reply below p_parent_id (null: as the chat's first
-- message, or a new version of it), or in a new chat when p_session_id is null. The body of
-- post_message and edit_message; see post_message for what it returns.
create function private.add_turn(
	p_message_id uuid,
	p_content text,
	p_session_id uuid,
	p_parent_id uuid,
	p_title text,
	p_model text,
	p_budget jsonb
)
returns table (
	session_id uuid,
	reply_id uuid,
	is_new boolean,
	writer_token text,
	chat_model text,
	system_prompt text,
	id uuid,
	parent_id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	depth integer
)
language plpgsql
set search_path = ''
as $$
declare
	v_message_id uuid := p_message_id;
	v_session_id uuid;
	v_reply_id uuid;
	v_is_new boolean;
	v_writer_token text;
begin
	select m.session_id into v_session_id from public.chat_messages m where m.id = v_message_id;
	v_is_new := not found;

	-- At most two passes: the second only when the id belongs to a row RLS hides from the caller.
	for attempt in 1..2 loop
		exit when not v_is_new;
		begin
			if p_session_id is null then
				insert into public.chat_sessions (title, model)
				values (coalesce(nullif(p_title, ''), left(p_content, 80)), nullif(p_model, ''))
				returning chat_sessions.id into v_session_id;
			else
				update public.chat_sessions s
				set updated_at = now(), model = coalesce(nullif(p_model, ''), s.model)
				where s.id = p_session_id
				returning s.id into v_session_id;
				if v_session_id is null then
					raise exception 'chat session not found' using errcode = 'P0002';
				end if;
			end if;
			insert into public.chat_messages (id, session_id, parent_id, role, content)
			values (v_message_id, v_session_id, p_parent_id, 'user', p_content);
			insert into public.chat_messages (session_id, parent_id, role, content, status)
			values (v_session_id, v_message_id, 'assistant', '', 'streaming')
			returning chat_messages.id into v_reply_id;
			v_writer_token := private.issue_reply_writer(v_reply_id);
			exit;
		exception when unique_violation then
			-- A concurrent submit of the same message committed first: its session and reply
			-- stand, and this attempt's session, if any, is rolled back with the block.
			select m.session_id into v_session_id from public.chat_messages m where m.id = v_message_id;
			if found then
				v_is_new := false;
			elsif attempt = 1 then
				-- Someone else's message has this id. Saying so would confirm that it exists.
				v_message_id := gen_random_uuid();
			else
				raise;
			end if;
		end;
	end loop;

	if not v_is_new then
		select r.id into v_reply_id from public.chat_messages r
		where r.parent_id = v_message_id and r.role = 'assistant'
		order by r.position limit 1;
	end if;

	return query
		select v_session_id, v_reply_id, v_is_new, v_writer_token, s.model, s.system_prompt,
			p.id, p.parent_id, p.role, p.content, p.status, p.depth
		from public.chat_sessions s
		cross join private.path_within(coalesce(v_reply_id, v_message_id), private.budget_chars(p_budget, s.model)) p
		where s.id = v_session_id
		order by p.depth;
end;
$$;
revoke all on function private.add_turn(uuid, text, uuid, uuid, text, text, jsonb) from public, anon;
grant execute on function private.add_turn(uuid, text, uuid, uuid, text, text, jsonb) to authenticated;

-- One round trip for "send a message": creates the session when there is none, stores the
-- person's message below p_parent_id (by default the end of the chat's active path) and an empty
-- reply to stream into, and returns the path to that reply, newest first and only as much as fits
-- p_budget, with the chat's settings and the reply's writer token. It runs as the caller, so RLS
-- applies to every statement, and as one transaction, so a failure never leaves an empty session
-- behind. Sending the same message id again stores nothing and returns the path as it stands
-- (is_new = false). A message sent below a reply that is still being written is refused with
-- PT409 (HTTP 409).
create function public.post_message(
	p_message_id uuid,
	p_content text,
	p_session_id uuid default null,
	p_title text default null,
	p_model text default null,
	p_parent_id uuid default null,
	p_budget jsonb default null
)
returns table (
	session_id uuid,
	reply_id uuid,
	is_new boolean,
	writer_token text,
	chat_model text,
	system_prompt text,
	id uuid,
	parent_id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	depth integer
)
language plpgsql
set search_path = ''
as $$
declare
	v_parent_id uuid := p_parent_id;
begin
	if p_session_id is null then
		v_parent_id := null;
	elsif v_parent_id is null then
		select path.id into v_parent_id from private.active_path(p_session_id) path order by path.depth desc limit 1;
	end if;
	return query
		select * from private.add_turn(p_message_id, p_content, p_session_id, v_parent_id, p_title, p_model, p_budget) t
		order by t.depth;
end;
$$;

-- "Save and send" on an edited message: the new text is stored as a new version of the message
-- p_source_id (a sibling: the same parent), with an empty reply, and becomes the active path.
-- Returns what post_message returns; the same p_message_id twice stores it once.
create function public.edit_message(
	p_message_id uuid,
	p_source_id uuid,
	p_content text,
	p_model text default null,
	p_budget jsonb default null
)
returns table (
	session_id uuid,
	reply_id uuid,
	is_new boolean,
	writer_token text,
	chat_model text,
	system_prompt text,
	id uuid,
	parent_id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	depth integer
)
language plpgsql
set search_path = ''
as $$
declare
	v_source record;
begin
	select m.session_id, m.parent_id into v_source
	from public.chat_messages m where m.id = p_source_id and m.role = 'user';
	if not found then
		raise exception 'message not found' using errcode = 'P0002';
	end if;
	return query
		select * from private.add_turn(p_message_id, p_content, v_source.session_id, v_source.parent_id, null, p_model, p_budget) t
		order by t.depth;
end;
$$;

-- "Regenerate": a new reply to the same message as p_reply_id, as its sibling, which becomes
-- the active path. When a reply to that message is being written already (another tab just
-- regenerated it, or p_reply_id itself is still streaming), that one is returned with is_new =
-- false and no writer token, so two requests at once make one new reply and never overwrite one.
create function public.regenerate_reply(p_reply_id uuid, p_budget jsonb default null)
returns table (
	session_id uuid,
	reply_id uuid,
	is_new boolean,
	writer_token text,
	chat_model text,
	system_prompt text,
	id uuid,
	parent_id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	depth integer
)
language plpgsql
set search_path = ''
as $$
declare
	v_old record;
	v_reply_id uuid;
	v_is_new boolean;
	v_writer_token text;
begin
	select r.session_id, r.parent_id into v_old
	from public.chat_messages r where r.id = p_reply_id and r.role = 'assistant';
	if not found or v_old.parent_id is null then
		raise exception 'reply not found' using errcode = 'P0002';
	end if;
	-- Looked for before the insert as well as by it: a guest may write one reply at a time, and
	-- the usage trigger, which runs first, would refuse the second tab's insert outright.
	select s.id into v_reply_id from public.chat_messages s
	where s.parent_id = v_old.parent_id and private.reply_is_live(s.status, s.progress_at, s.created_at)
	order by s.position desc limit 1;
	v_is_new := not found;
	if v_is_new then
		begin
			insert into public.chat_messages (session_id, parent_id, role, content, status)
			values (v_old.session_id, v_old.parent_id, 'assistant', '', 'streaming')
			returning chat_messages.id into v_reply_id;
			v_writer_token := private.issue_reply_writer(v_reply_id);
		exception when sqlstate 'PT409' then
			-- The insert waited for another request's, and found its reply being written.
			select s.id into v_reply_id from public.chat_messages s
			where s.parent_id = v_old.parent_id and private.reply_is_live(s.status, s.progress_at, s.created_at)
			order by s.position desc limit 1;
			if not found then
				raise;
			end if;
			v_is_new := false;
		end;
	end if;
	update public.chat_sessions s set updated_at = now() where s.id = v_old.session_id;

	return query
		select v_old.session_id, v_reply_id, v_is_new, v_writer_token, s.model, s.system_prompt,
			p.id, p.parent_id, p.role, p.content, p.status, p.depth
		from public.chat_sessions s
		cross join private.path_within(v_reply_id, private.budget_chars(p_budget, s.model)) p
		where s.id = v_old.session_id
		order by p.depth;
end;
$$;

-- "Retry": empties a failed, stopped or abandoned reply of the caller's, marks it streaming with
-- a new writer token, charges it like a new reply, and returns what the model sees before it
-- (newest first, within p_budget) with the chat's settings. It refuses a reply that is still being
-- written, so two tabs (or a reload) can never write one reply twice: the first of two retries
-- at once wins, and the second finds the reply live and gets P0002. Definer, because a person
-- cannot update messages; the owner check is explicit.
create function public.restart_reply(p_reply_id uuid, p_budget jsonb default null)
returns table (
	session_id uuid,
	writer_token text,
	chat_model text,
	system_prompt text,
	id uuid,
	parent_id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	depth integer
)
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_user_id uuid := (select auth.uid());
	v_session_id uuid;
	v_writer_token text;
begin
	select r.session_id into v_session_id
	from public.chat_messages r
	where r.id = p_reply_id and r.user_id = v_user_id and r.role = 'assistant' and r.status <> 'complete'
		and not private.reply_is_live(r.status, r.progress_at, r.created_at)
	for update;
	if v_session_id is null then
		raise exception 'reply not found, complete or still being written' using errcode = 'P0002';
	end if;
	perform private.charge_reply_start(v_user_id, p_reply_id);
	update public.chat_messages r
	set content = '', status = 'streaming', model = null, progress_at = now(), stop_requested_at = null
	where r.id = p_reply_id;
	update public.chat_sessions s set updated_at = now() where s.id = v_session_id;
	v_writer_token := private.issue_reply_writer(p_reply_id);

	return query
		select v_session_id, v_writer_token, s.model, s.system_prompt, p.id, p.parent_id, p.role, p.content, p.status, p.depth
		from public.chat_sessions s
		cross join private.path_within(p_reply_id, private.budget_chars(p_budget, s.model)) p
		where s.id = v_session_id and p.id <> p_reply_id
		order by p.depth;
end;
$$;

revoke all on function public.post_message(uuid, text, uuid, text, text, uuid, jsonb),
	public.edit_message(uuid, uuid, text, text, jsonb),
	public.regenerate_reply(uuid, jsonb),
	public.restart_reply(uuid, jsonb) from public, anon;
grant execute on function public.post_message(uuid, text, uuid, text, text, uuid, jsonb),
	public.edit_message(uuid, uuid, text, text, jsonb),
	public.regenerate_reply(uuid, jsonb),
	public.restart_reply(uuid, jsonb) to authenticated;

-- private.path_to has no callers left: every path the model sees comes from path_within.
drop function private.path_to(uuid);

-- 5. Imports, bound in the database as in the app (src/lib/schemas/library.ts): at most 1,000
-- chats of at most 2,000 messages each, and no more text than a 5 MiB file can hold. The CHECK
-- constraints hold each title and message to its length.
create or replace function public.import_chats(p_chats jsonb)
returns setof uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_user_id uuid := auth.uid();
	v_chat jsonb;
	v_session_id uuid;
	v_chars bigint := 0;
begin
	if v_user_id is null then
		raise exception 'sign in to import chats' using errcode = '42501';
	end if;
	if jsonb_typeof(p_chats) is distinct from 'array' then
		raise exception 'chats must be an array' using errcode = '22023';
	end if;
	if jsonb_array_length(p_chats) not between 1 and 1000 then
		raise exception 'import between 1 and 1000 chats at a time' using errcode = '22023';
	end if;
	for v_chat in select value from jsonb_array_elements(p_chats) loop
		if jsonb_typeof(v_chat) is distinct from 'object'
			or jsonb_typeof(coalesce(v_chat -> 'messages', '[]'::jsonb)) <> 'array' then
			raise exception 'each chat is an object with an array of messages' using errcode = '22023';
		end if;
		if jsonb_array_length(coalesce(v_chat -> 'messages', '[]'::jsonb)) > 2000 then
			raise exception 'a chat can hold at most 2000 messages' using errcode = '22023';
		end if;
		v_chars := v_chars + coalesce(char_length(v_chat ->> 'title'), 0) + coalesce(char_length(v_chat ->> 'system_prompt'), 0)
			+ coalesce((
				select sum(char_length(message ->> 'content'))
				from jsonb_array_elements(coalesce(v_chat -> 'messages', '[]'::jsonb)) message
			), 0);
		if v_chars > 5 * 1024 * 1024 then
			raise exception 'an import holds at most 5 MiB of text' using errcode = '22023';
		end if;
		if exists (
			select 1 from jsonb_array_elements(coalesce(v_chat -> 'messages', '[]'::jsonb)) message
			where jsonb_typeof(message) is distinct from 'object'
				or coalesce(message ->> 'role', '') not in ('user', 'assistant')
				or jsonb_typeof(message -> 'content') is distinct from 'string'
		) then
			raise exception 'each message has a role (user or assistant) and text' using errcode = '22023';
		end if;

		insert into public.chat_sessions (user_id, title, model, system_prompt, created_at, updated_at)
		values (
			v_user_id,
			v_chat ->> 'title',
			nullif(v_chat ->> 'model', ''),
			nullif(v_chat ->> 'system_prompt', ''),
			coalesce((v_chat ->> 'created_at')::timestamptz, now()),
			coalesce((v_chat ->> 'updated_at')::timestamptz, now())
		)
		returning id into v_session_id;
		with listed as materialized (
			select gen_random_uuid() as id, message, n
			from jsonb_array_elements(coalesce(v_chat -> 'messages', '[]'::jsonb)) with ordinality as list (message, n)
		)
		insert into public.chat_messages (id, session_id, parent_id, user_id, role, content, status, model, created_at)
		select
			listed.id,
			v_session_id,
			lag(listed.id) over (order by listed.n),
			v_user_id,
			(listed.message ->> 'role')::public.chat_role,
			listed.message ->> 'content',
			'complete',
			nullif(listed.message ->> 'model', ''),
			coalesce((listed.message ->> 'created_at')::timestamptz, now())
		from listed
		order by listed.n;
		return next v_session_id;
	end loop;
end;
$$;

-- A chat page reads the newest 1,000 messages of the active path, still root first. PostgREST
-- cuts a response at max_rows (1,000), and cut from the end it lost the newest messages: the
-- page then offered the composer an old message to answer. (Paging through the rest belongs to
-- the page; see the long-chat work.)
create or replace function public.get_chat(p_session_id uuid)
returns table (
	title text,
	chat_model text,
	system_prompt text,
	id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	model text,
	created_at timestamptz,
	is_live boolean,
	version integer,
	versions integer,
	previous_version uuid,
	next_version uuid
)
language sql
stable
set search_path = ''
as $$
	select newest.title, newest.chat_model, newest.system_prompt, newest.id, newest.role, newest.content,
		newest.status, newest.model, newest.created_at, newest.is_live, newest.version, newest.versions,
		newest.previous_version, newest.next_version
	from (
		select s.title, s.model as chat_model, s.system_prompt,
			m.id, m.role, m.content, m.status, m.model, m.created_at,
			private.reply_is_live(m.status, m.progress_at, m.created_at) as is_live,
			v.version, v.versions, v.previous_version, v.next_version, path.depth
		from public.chat_sessions s
		left join private.active_path(s.id) path on true
		left join public.chat_messages m on m.id = path.id
		left join lateral (
			select count(*)::integer as versions,
				count(*) filter (where o.position <= m.position)::integer as version,
				(array_agg(o.id order by o.position desc) filter (where o.position < m.position))[1] as previous_version,
				(array_agg(o.id order by o.position) filter (where o.position > m.position))[1] as next_version
			from (
				select o.id, o.position from public.chat_messages o where o.parent_id = m.parent_id
				union all
				select o.id, o.position from public.chat_messages o
				where m.parent_id is null and o.session_id = m.session_id and o.parent_id is null
			) o
		) v on m.id is not null
		where s.id = p_session_id
		order by path.depth desc nulls last
		limit 1000
	) newest
	order by newest.depth;
$$;
