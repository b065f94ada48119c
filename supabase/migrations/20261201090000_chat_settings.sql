-- Settings a person keeps per chat: which configured model answers it, and its own system prompt.
--
-- Both are plain columns of the session under the session's existing RLS policies. The model is
-- an id from the app's configuration, not a foreign key: a model can leave the configuration
-- while chats that used it remain, and the app then says so and falls back.
--
-- post_message and restart_reply return both, so the reply is set up from the same single round
-- trip as before. post_message also records the model picked in the composer on the chat.

alter table public.chat_sessions
	add column model text check (char_length(model) between 1 and 200),
	add column system_prompt text check (char_length(system_prompt) between 1 and 4000);

grant update (model, system_prompt) on table public.chat_sessions to authenticated;

drop function public.post_message(uuid, text, uuid, text);
drop function public.restart_reply(uuid);

-- One round trip for "send a message": creates the session when there is none, stores the
-- person's message and an empty assistant reply to stream into, and returns the conversation so
-- far with the chat's settings. It runs as the caller, so RLS applies to every statement, and as
-- one transaction, so a failure never leaves an empty session behind. Sending the same message
-- id again stores nothing and returns the conversation as it stands (is_new = false).
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
		select v_session_id, v_reply_id, v_is_new, s.model, s.system_prompt, m.id, m.role, m.content, m.status
		from public.chat_sessions s
		join public.chat_messages m on m.session_id = s.id
		where s.id = v_session_id
		order by m.position;
end;
$$;

-- One round trip for "try that reply again": empties a failed (or abandoned) reply, marks it
-- streaming, and returns the messages before it as the model's context, with the chat's settings.
create function public.restart_reply(p_reply_id uuid)
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
	update public.chat_messages r set content = '', status = 'streaming', model = null
	where r.id = p_reply_id and r.role = 'assistant' and r.status <> 'complete'
	returning r.session_id, r.position into v_session_id, v_position;
	if v_session_id is null then
		raise exception 'reply not found or already complete' using errcode = 'P0002';
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

revoke all on function public.post_message(uuid, text, uuid, text, text) from public, anon;
revoke all on function public.restart_reply(uuid) from public, anon;
grant execute on function public.post_message(uuid, text, uuid, text, text) to authenticated;
grant execute on function public.restart_reply(uuid) to authenticated;
