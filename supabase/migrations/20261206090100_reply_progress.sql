-- Replies that outlive their request: the writer stores what has arrived every ~250 ms with a
-- heartbeat, any tab can follow a reply from the database and ask for it to stop, and a reply
-- whose writer died is told apart from one still being written.
--
-- The writer's credential. A reply can outlast the person's access token (an hour, or less: the
-- token in hand may be minutes from expiry when the reply starts), and the person's refresh token
-- never leaves their cookie. So post_message and restart_reply hand the server a writer token: 256
-- random bits, kept here only as a SHA-256 hash. It lets its holder write that one reply while it
-- is streaming (write_reply_progress, finish_reply) and give its chat the generated title while
-- the chat still has its stand-in (set_reply_title), and nothing else. The writer uses no user
-- token at all, so it cannot expire mid-reply, and signing out everywhere does not cut a reply off.
--
--   progress_at         the writer's last write (or the reply's start); a `streaming` reply whose
--                       progress_at is older than private.writer_timeout() has lost its writer.
--   stop_requested_at   set by stop_reply(); the writer reads it with every progress write.

alter table public.chat_messages add column progress_at timestamptz;
alter table public.chat_messages add column stop_requested_at timestamptz;
-- The writer (as the person) and their own tabs set these, on their own replies only (RLS).
grant update (progress_at, stop_requested_at) on table public.chat_messages to authenticated;

-- 30 s: a writer saves at least every 10 s (a heartbeat while the model thinks), so three
-- missed saves mean it is gone (a crash, a deploy, an isolate past its waitUntil).
create function private.writer_timeout()
returns interval
language sql
immutable
set search_path = ''
as $$ select interval '30 seconds' $$;
revoke all on function private.writer_timeout() from public, anon;
grant execute on function private.writer_timeout() to authenticated, service_role;
-- The service role reads is_live too (the tests' view of what is stored, an operator's queries).
grant usage on schema private to service_role;

-- Whether a streaming reply still has a writer.
create function private.reply_is_live(p_status public.chat_message_status, p_progress_at timestamptz, p_created_at timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
	select p_status = 'streaming' and coalesce(p_progress_at, p_created_at) > now() - private.writer_timeout();
$$;
revoke all on function private.reply_is_live(public.chat_message_status, timestamptz, timestamptz) from public, anon;
grant execute on function private.reply_is_live(public.chat_message_status, timestamptz, timestamptz) to authenticated, service_role;

-- The same as a computed column PostgREST can select: chat_messages?select=id,status,is_live.
create function public.is_live(m public.chat_messages)
returns boolean
language sql
stable
set search_path = ''
as $$ select private.reply_is_live(m.status, m.progress_at, m.created_at) $$;
revoke all on function public.is_live(public.chat_messages) from public, anon;
grant execute on function public.is_live(public.chat_messages) to authenticated, service_role;

create table private.reply_writers (
	reply_id uuid primary key references public.chat_messages (id) on delete cascade,
	token_hash text not null
);
alter table private.reply_writers enable row level security;
revoke all on table private.reply_writers from public, anon, authenticated;

-- A new writer token for the caller's streaming reply; the last one issued is the only one valid.
create function private.issue_reply_writer(p_reply_id uuid)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_token text := encode(extensions.gen_random_bytes(32), 'hex');
begin
	perform 1 from public.chat_messages r
	where r.id = p_reply_id and r.user_id = (select auth.uid()) and r.role = 'assistant' and r.status = 'streaming';
	if not found then
		raise exception 'reply not found' using errcode = 'P0002';
	end if;
	insert into private.reply_writers (reply_id, token_hash)
	values (p_reply_id, encode(extensions.digest(v_token, 'sha256'), 'hex'))
	on conflict (reply_id) do update set token_hash = excluded.token_hash;
	return v_token;
end;
$$;
revoke all on function private.issue_reply_writer(uuid) from public, anon;
grant execute on function private.issue_reply_writer(uuid) to authenticated;

create function private.holds_reply(p_reply_id uuid, p_writer_token text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1 from private.reply_writers w
		where w.reply_id = p_reply_id
			and w.token_hash = encode(extensions.digest(coalesce(p_writer_token, ''), 'sha256'), 'hex')
	);
$$;
revoke all on function private.holds_reply(uuid, text) from public, anon, authenticated;

-- The writer's batched write: the text so far and a heartbeat, in one round trip that also
-- tells the writer what to do next: 'go' on, 'stop' (asked for by stop_reply), or 'gone' when the
-- reply is no longer this writer's to write (it ended, it was reopened, or the token is wrong).
create function public.write_reply_progress(p_reply_id uuid, p_writer_token text, p_content text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_stop timestamptz;
begin
	if not private.holds_reply(p_reply_id, p_writer_token) then
		return 'gone';
	end if;
	update public.chat_messages r set content = p_content, progress_at = now()
	where r.id = p_reply_id and r.role = 'assistant' and r.status = 'streaming'
	returning r.stop_requested_at into v_stop;
	if not found then
		return 'gone';
	end if;
	return case when v_stop is null then 'go' else 'stop' end;
end;
$$;

-- The writer's last write: the reply as it ended. False when it was not this writer's to end.
create function public.finish_reply(
	p_reply_id uuid,
	p_writer_token text,
	p_content text,
	p_status public.chat_message_status,
	p_model text
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
	return found;
end;
$$;

-- The generated title, for the chat of the writer's reply, only while it has its stand-in title
-- (so a rename made meanwhile wins). Returns the stored title, or null.
create function public.set_reply_title(p_reply_id uuid, p_writer_token text, p_title text, p_stand_in text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_title text;
begin
	if not private.holds_reply(p_reply_id, p_writer_token) then
		return null;
	end if;
	update public.chat_sessions s set title = p_title
	from public.chat_messages r
	where r.id = p_reply_id and s.id = r.session_id and s.title = p_stand_in
	returning s.title into v_title;
	return v_title;
end;
$$;

revoke all on function public.write_reply_progress(uuid, text, text),
	public.finish_reply(uuid, text, text, public.chat_message_status, text),
	public.set_reply_title(uuid, text, text, text) from public;
-- The writer calls these without any user token: the writer token is the credential.
grant execute on function public.write_reply_progress(uuid, text, text),
	public.finish_reply(uuid, text, text, public.chat_message_status, text),
	public.set_reply_title(uuid, text, text, text) to anon, authenticated;

-- Stop, from any tab or device: the writer sees it within one progress write and keeps what
-- was written, marked stopped. A reply whose writer is gone is closed as stopped at once.
create function public.stop_reply(p_reply_id uuid)
returns public.chat_message_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
	v_status public.chat_message_status;
begin
	update public.chat_messages r
	set stop_requested_at = coalesce(r.stop_requested_at, now()),
		status = case when private.reply_is_live(r.status, r.progress_at, r.created_at) then r.status else 'stopped' end
	where r.id = p_reply_id and r.role = 'assistant' and r.status = 'streaming'
	returning r.status into v_status;
	if not found then
		select r.status into v_status from public.chat_messages r where r.id = p_reply_id and r.role = 'assistant';
		if not found then
			raise exception 'reply not found' using errcode = 'P0002';
		end if;
	end if;
	return v_status;
end;
$$;

-- post_message and restart_reply now also return the writer token (on every row, like the
-- session id; null for a resubmitted message, whose first submit writes the reply).
drop function public.post_message(uuid, text, uuid, text, text);
drop function public.restart_reply(uuid);

-- One round trip for "send a message": creates the session when there is none, stores the
-- person's message and an empty assistant reply to stream into, and returns the conversation so
-- far with the chat's settings and the reply's writer token. It runs as the caller, so RLS
-- applies to every statement, and as one transaction, so a failure never leaves an empty session
-- behind. Sending the same message id again stores nothing and returns the conversation as it
-- stands (is_new = false).
create function public.post_message(
	p_message_id uuid,
	p_content text,
	p_session_id uuid default null,
	p_title text default null,
	p_model text default null
)
returns table (
	session_id uuid,
	reply_id uuid,
	is_new boolean,
	writer_token text,
	chat_model text,
	system_prompt text,
	id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status
)
language plpgsql
security invoker
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
			insert into public.chat_messages (id, session_id, role, content)
			values (v_message_id, v_session_id, 'user', p_content);
			insert into public.chat_messages (session_id, role, content, status)
			values (v_session_id, 'assistant', '', 'streaming')
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
		where r.session_id = v_session_id and r.role = 'assistant'
			and r.position > (select u.position from public.chat_messages u where u.id = v_message_id)
		order by r.position limit 1;
	end if;

	return query
		select v_session_id, v_reply_id, v_is_new, v_writer_token, s.model, s.system_prompt,
			m.id, m.role, m.content, m.status
		from public.chat_sessions s
		join public.chat_messages m on m.session_id = s.id
		where s.id = v_session_id
		order by m.position;
end;
$$;

-- One round trip for "try that reply again": empties a failed, stopped or abandoned reply, marks
-- it streaming with a new writer token, and returns the messages before it as the model's
-- context, with the chat's settings. It refuses a reply that is still being written, so two tabs
-- (or a reload) can never write one reply twice: the first of two retries at once wins, and the
-- second finds the reply live and gets P0002.
create function public.restart_reply(p_reply_id uuid)
returns table (
	session_id uuid,
	writer_token text,
	chat_model text,
	system_prompt text,
	id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status
)
language plpgsql
security invoker
set search_path = ''
as $$
declare
	v_session_id uuid;
	v_position bigint;
	v_writer_token text;
begin
	update public.chat_messages r
	set content = '', status = 'streaming', model = null, progress_at = now(), stop_requested_at = null
	where r.id = p_reply_id and r.role = 'assistant' and r.status <> 'complete'
		and not private.reply_is_live(r.status, r.progress_at, r.created_at)
	returning r.session_id, r.position into v_session_id, v_position;
	if v_session_id is null then
		raise exception 'reply not found, complete or still being written' using errcode = 'P0002';
	end if;
	update public.chat_sessions s set updated_at = now() where s.id = v_session_id;
	v_writer_token := private.issue_reply_writer(p_reply_id);

	return query
		select v_session_id, v_writer_token, s.model, s.system_prompt, m.id, m.role, m.content, m.status
		from public.chat_sessions s
		join public.chat_messages m on m.session_id = s.id
		where s.id = v_session_id and m.position < v_position
		order by m.position;
end;
$$;

revoke all on function public.post_message(uuid, text, uuid, text, text), public.restart_reply(uuid) from public, anon;
grant execute on function public.post_message(uuid, text, uuid, text, text), public.restart_reply(uuid) to authenticated;

revoke all on function public.stop_reply(uuid) from public, anon;
grant execute on function public.stop_reply(uuid) to authenticated;
