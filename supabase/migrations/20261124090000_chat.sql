-- Chat sessions and their messages, each row reachable only by its owner.
--
-- Every policy compares against `(select auth.uid())` so Postgres evaluates the JWT lookup once
-- per statement instead of once per row. Length limits live here and are mirrored by the zod
-- schemas in src/lib/schemas/chat.ts; keep the two in step.

create type public.chat_role as enum ('user', 'assistant', 'system');
create type public.chat_message_status as enum ('complete', 'streaming', 'error');

create table public.chat_sessions (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	title text not null check (char_length(title) between 1 and 120),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);

-- Serves both the owner policies and the sidebar's newest-first listing.
create index chat_sessions_user_id_updated_at_idx on public.chat_sessions (user_id, updated_at desc);

create table public.chat_messages (
	-- The client may choose the id, so a resubmitted form stores its message once.
	id uuid primary key default gen_random_uuid(),
	session_id uuid not null references public.chat_sessions (id) on delete cascade,
	user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	-- Orders a conversation; created_at alone ties for rows written in one transaction.
	position bigint generated always as identity,
	role public.chat_role not null,
	content text not null check (char_length(content) <= 100000),
	status public.chat_message_status not null default 'complete',
	model text check (char_length(model) <= 200),
	created_at timestamptz not null default now(),
	-- What a person types is held to the composer's limit; replies may run longer.
	constraint chat_messages_user_content_length check (
		role <> 'user' or char_length(content) between 1 and 8000
	)
);

create index chat_messages_session_id_position_idx on public.chat_messages (session_id, position);
create index chat_messages_user_id_idx on public.chat_messages (user_id);

alter table public.chat_sessions enable row level security;
alter table public.chat_messages enable row level security;

create policy "Owners read their sessions" on public.chat_sessions
	for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners create their sessions" on public.chat_sessions
	for insert to authenticated with check (user_id = (select auth.uid()));
create policy "Owners update their sessions" on public.chat_sessions
	for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "Owners delete their sessions" on public.chat_sessions
	for delete to authenticated using (user_id = (select auth.uid()));

create policy "Owners read their messages" on public.chat_messages
	for select to authenticated using (user_id = (select auth.uid()));
-- A foreign key is checked without RLS, so session_id alone would let anyone who knows (or
-- guesses) a session id write into it. The policy asks for the session through RLS instead.
create policy "Owners add messages to their own sessions" on public.chat_messages
	for insert to authenticated with check (
		user_id = (select auth.uid())
		and exists (
			select 1 from public.chat_sessions s
			where s.id = session_id and s.user_id = (select auth.uid())
		)
	);
create policy "Owners update their messages" on public.chat_messages
	for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- Supabase grants everything on new tables to anon and authenticated by default. Parley grants
-- only what the app uses, and only to signed-in users; ids and owners are never updatable.
revoke all on table public.chat_sessions, public.chat_messages from anon, authenticated;
grant select, insert, delete on table public.chat_sessions to authenticated;
grant update (title, updated_at) on table public.chat_sessions to authenticated;
grant select on table public.chat_messages to authenticated;
grant insert (id, session_id, role, content, status, model) on table public.chat_messages to authenticated;
grant update (content, status, model) on table public.chat_messages to authenticated;

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
	v_session_id uuid;
	v_reply_id uuid;
	v_is_new boolean;
begin
	select m.session_id into v_session_id from public.chat_messages m where m.id = p_message_id;
	v_is_new := not found;

	if v_is_new then
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
			values (p_message_id, v_session_id, 'user', p_content);
			insert into public.chat_messages (session_id, role, content, status)
			values (v_session_id, 'assistant', '', 'streaming')
			returning chat_messages.id into v_reply_id;
		exception when unique_violation then
			-- A concurrent submit of the same message committed first. Its session and reply
			-- stand; this attempt's session, if any, is rolled back with the block.
			select m.session_id into v_session_id from public.chat_messages m where m.id = p_message_id;
			if not found then
				raise;
			end if;
			v_is_new := false;
		end;
	end if;

	if not v_is_new then
		select r.id into v_reply_id from public.chat_messages r
		where r.session_id = v_session_id and r.role = 'assistant'
			and r.position > (select u.position from public.chat_messages u where u.id = p_message_id)
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
