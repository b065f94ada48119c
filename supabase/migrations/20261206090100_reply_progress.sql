-- Replies that outlive their request: the writer stores what has arrived every ~250 ms with a
-- heartbeat, any tab can follow a reply from the database and ask for it to stop, and a reply
-- whose writer died is told apart from one still being written.
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

-- The writer's batched write: the text so far and a heartbeat, in one round trip that also
-- tells the writer what to do next: 'go' on, 'stop' (asked for by stop_reply), or 'gone' when the
-- reply is no longer this writer's to write (it ended, or was closed as dead and reopened).
create function public.save_reply_progress(p_reply_id uuid, p_content text)
returns text
language plpgsql
security invoker
set search_path = ''
as $$
declare
	v_stop timestamptz;
begin
	update public.chat_messages r set content = p_content, progress_at = now()
	where r.id = p_reply_id and r.role = 'assistant' and r.status = 'streaming'
	returning r.stop_requested_at into v_stop;
	if not found then
		return 'gone';
	end if;
	return case when v_stop is null then 'go' else 'stop' end;
end;
$$;

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

-- Retry now refuses a reply that is still being written, so two tabs (or a reload) can never
-- write one reply twice: reopening takes the row only while no live writer holds it. The first
-- of two retries at once wins; the second finds the reply live and gets P0002.
create or replace function public.restart_reply(p_reply_id uuid)
returns table (
	session_id uuid,
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

	return query
		select v_session_id, s.model, s.system_prompt, m.id, m.role, m.content, m.status
		from public.chat_sessions s
		join public.chat_messages m on m.session_id = s.id
		where s.id = v_session_id and m.position < v_position
		order by m.position;
end;
$$;

revoke all on function public.save_reply_progress(uuid, text), public.stop_reply(uuid) from public, anon;
grant execute on function public.save_reply_progress(uuid, text), public.stop_reply(uuid) to authenticated;
