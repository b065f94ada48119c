-- What a person may write with their own token is limited to what Parley itself writes.
--
-- A signed-in person can call PostgREST directly. Before this migration they could insert
-- `system` or `assistant` rows of any content into their own chats, and a `system` row would
-- then override the operator's prompt. Now:
--   * there is no `system` role at all: the operator's prompt is configuration, never a row;
--   * an insert is either the person's own message or an empty reply waiting to be written;
--   * only replies can be updated (that is how a reply is written), and messages are immutable.
--
-- post_message also stops telling a caller that a message id exists when it is someone else's:
-- such an id is replaced by a fresh one, exactly as if the caller had picked that.

drop function public.post_message(uuid, text, uuid, text);
drop function public.restart_reply(uuid);

drop policy "Owners add messages to their own sessions" on public.chat_messages;
drop policy "Owners update their messages" on public.chat_messages;

delete from public.chat_messages where role = 'system';
alter table public.chat_messages drop constraint chat_messages_user_content_length;
alter type public.chat_role rename to chat_role_old;
create type public.chat_role as enum ('user', 'assistant');
alter table public.chat_messages alter column role type public.chat_role using role::text::public.chat_role;
drop type public.chat_role_old;
-- What a person types is held to the composer's limit; replies may run longer.
alter table public.chat_messages add constraint chat_messages_user_content_length check (
	role <> 'user' or char_length(content) between 1 and 8000
);

-- A foreign key is checked without RLS, so session_id alone would let anyone who knows (or
-- guesses) a session id write into it. The policy asks for the session through RLS instead.
create policy "Owners add messages to their own sessions" on public.chat_messages
	for insert to authenticated with check (
		user_id = (select auth.uid())
		and exists (
			select 1 from public.chat_sessions s
			where s.id = session_id and s.user_id = (select auth.uid())
		)
		and (
			(role = 'user' and status = 'complete' and model is null)
			or (role = 'assistant' and status = 'streaming' and content = '' and model is null)
		)
	);

create policy "Owners write their replies" on public.chat_messages
	for update to authenticated
	using (user_id = (select auth.uid()) and role = 'assistant')
	with check (user_id = (select auth.uid()) and role = 'assistant');

-- One round trip for "send a message": creates the session when there is none, stores the
-- person's message and an empty assistant reply to stream into, and returns the conversation so
-- far. It runs as the caller, so RLS applies to every statement, and as one transaction, so a
-- failure never leaves an empty session behind. Sending the same message id again stores
-- nothing and returns the conversation as it stands (is_new = false).
create function public.post_message(
	p_message_id uuid,
	p_content text,
	p_session_id uuid default null,
	p_title text default null
)
returns table (
	session_id uuid,
	reply_id uuid,
	is_new boolean,
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
begin
	select m.session_id into v_session_id from public.chat_messages m where m.id = v_message_id;
	v_is_new := not found;

	-- At most two passes: the second only when the id belongs to a row RLS hides from the caller.
	for attempt in 1..2 loop
		exit when not v_is_new;
		begin
			if p_session_id is null then
				insert into public.chat_sessions (title)
				values (coalesce(nullif(p_title, ''), left(p_content, 80)))
				returning chat_sessions.id into v_session_id;
			else
				update public.chat_sessions s set updated_at = now() where s.id = p_session_id
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
		select v_session_id, v_reply_id, v_is_new, m.id, m.role, m.content, m.status
		from public.chat_messages m
		where m.session_id = v_session_id
		order by m.position;
end;
$$;

-- One round trip for "try that reply again": empties a failed (or abandoned) reply, marks it
-- streaming, and returns the messages before it as the model's context.
create function public.restart_reply(p_reply_id uuid)
returns table (
	session_id uuid,
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
	update public.chat_messages r set content = '', status = 'streaming', model = null
	where r.id = p_reply_id and r.role = 'assistant' and r.status <> 'complete'
	returning r.session_id, r.position into v_session_id, v_position;
	if v_session_id is null then
		raise exception 'reply not found or already complete' using errcode = 'P0002';
	end if;
	update public.chat_sessions s set updated_at = now() where s.id = v_session_id;

	return query
		select v_session_id, m.id, m.role, m.content, m.status
		from public.chat_messages m
		where m.session_id = v_session_id and m.position < v_position
		order by m.position;
end;
$$;

revoke all on function public.post_message(uuid, text, uuid, text) from public, anon;
revoke all on function public.restart_reply(uuid) from public, anon;
grant execute on function public.post_message(uuid, text, uuid, text) to authenticated;
grant execute on function public.restart_reply(uuid) to authenticated;
