-- Messages form a tree: a reply can be regenerated and a sent message edited, and each new
-- version is a sibling of the old one (the same parent). Every chat still reads as one
-- conversation, its active path: from the first message down, at each step the child selected
-- last. A new message is selected as it is stored; choosing another version selects that one.
-- So the path survives a reload and reads the same in every tab and on every device, and
-- switching back to a version also brings back the versions chosen below it.
--
--   parent_id     the message this one answers (null for a chat's first message and its edits)
--   selected_at   when this version was stored or last chosen; the newest wins among siblings
--
-- The rules that keep the tree sound run in the database (private.check_message_parent), for
-- every insert however it arrives:
--   * the parent is in the same chat. A foreign key is checked without RLS, so parent_id alone
--     would let anyone who knows a message id attach to it; the chat's owner is checked by RLS;
--   * nothing is added below a reply that is still being written;
--   * a new reply answers a message of the person's, and one message has at most one reply being
--     written at a time, so two tabs that regenerate at once get one new reply, not two.

alter table public.chat_messages add column parent_id uuid references public.chat_messages (id) on delete cascade;
alter table public.chat_messages add column selected_at timestamptz not null default now();

-- Chats written before the tree: each message answers the one before it.
update public.chat_messages m set parent_id = chain.previous_id
from (
	select c.id, lag(c.id) over (partition by c.session_id order by c.position) as previous_id
	from public.chat_messages c
) chain
where chain.id = m.id and chain.previous_id is not null;

-- A message's versions, newest choice first; also what deleting a parent cascades through.
create index chat_messages_parent_id_selected_at_idx on public.chat_messages (parent_id, selected_at desc);

-- The parent is chosen when a message is stored and never changes; selected_at is set only by
-- the default and by select_version().
grant insert (parent_id) on table public.chat_messages to authenticated;

create function private.check_message_parent()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_parent record;
begin
	if new.parent_id is null then
		if new.role = 'assistant' and new.status = 'streaming' then
			raise exception 'a reply answers a message' using errcode = '23514';
		end if;
		return new;
	end if;
	-- The lock makes these checks and the insert one step: a second request adding below the
	-- same message waits here, then sees what the first one stored.
	select m.session_id, m.role, m.status, m.progress_at, m.created_at into v_parent
	from public.chat_messages m
	where m.id = new.parent_id
	for no key update;
	-- The same answer for a parent in someone else's chat as for none: nothing is confirmed.
	if not found or v_parent.session_id <> new.session_id then
		raise exception 'message not found' using errcode = 'P0002';
	end if;
	if new.role = 'user' and private.reply_is_live(v_parent.status, v_parent.progress_at, v_parent.created_at) then
		raise exception 'a reply is still being written here' using errcode = 'PT409';
	end if;
	if new.role = 'assistant' and new.status = 'streaming' then
		if v_parent.role <> 'user' then
			raise exception 'a reply answers a message' using errcode = '23514';
		end if;
		perform 1 from public.chat_messages s
		where s.parent_id = new.parent_id and private.reply_is_live(s.status, s.progress_at, s.created_at);
		if found then
			raise exception 'a reply to this message is still being written' using errcode = 'PT409';
		end if;
	end if;
	return new;
end;
$$;
revoke all on function private.check_message_parent() from public, anon, authenticated;

create trigger chat_messages_check_parent
	before insert on public.chat_messages
	for each row execute function private.check_message_parent();

-- The active path of a chat, root first (depth 1). Runs as the caller: RLS picks the rows.
create function private.active_path(p_session_id uuid)
returns table (id uuid, depth integer)
language sql
stable
set search_path = ''
as $$
	with recursive path (id, depth) as (
		(
			select m.id, 1 from public.chat_messages m
			where m.session_id = p_session_id and m.parent_id is null
			order by m.selected_at desc, m.position desc
			limit 1
		)
		union all
		select child.id, path.depth + 1
		from path
		cross join lateral (
			select c.id from public.chat_messages c
			where c.parent_id = path.id
			order by c.selected_at desc, c.position desc
			limit 1
		) child
	)
	select path.id, path.depth from path;
$$;

-- A message and everything it answers, root first: what the model sees for a reply.
create function private.path_to(p_message_id uuid)
returns table (id uuid, role public.chat_role, content text, status public.chat_message_status)
language sql
stable
set search_path = ''
as $$
	with recursive up (id, parent_id, role, content, status, depth) as (
		select m.id, m.parent_id, m.role, m.content, m.status, 0
		from public.chat_messages m where m.id = p_message_id
		union all
		select p.id, p.parent_id, p.role, p.content, p.status, up.depth + 1
		from public.chat_messages p
		join up on p.id = up.parent_id
	)
	select up.id, up.role, up.content, up.status from up order by up.depth desc;
$$;

revoke all on function private.active_path(uuid), private.path_to(uuid) from public, anon;
grant execute on function private.active_path(uuid), private.path_to(uuid) to authenticated;

-- A chat as its page shows it, in one round trip: its settings, then its active path with each
-- message's place among its versions ("2 / 3") and the versions either side. A chat with no
-- messages is one row whose message columns are null; someone else's chat is no rows at all.
create function public.get_chat(p_session_id uuid)
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
	select s.title, s.model, s.system_prompt,
		m.id, m.role, m.content, m.status, m.model, m.created_at,
		private.reply_is_live(m.status, m.progress_at, m.created_at),
		v.version, v.versions, v.previous_version, v.next_version
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
	order by path.depth;
$$;

-- Shows another version of a message (and, below it, the versions last chosen there).
-- Returns the message's chat. Definer, because the person's own messages are not updatable
-- through the API; the owner check is explicit.
create function public.select_version(p_message_id uuid)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_session_id uuid;
begin
	update public.chat_messages m set selected_at = now()
	where m.id = p_message_id and m.user_id = (select auth.uid())
	returning m.session_id into v_session_id;
	if v_session_id is null then
		raise exception 'message not found' using errcode = 'P0002';
	end if;
	return v_session_id;
end;
$$;
revoke all on function public.get_chat(uuid), public.select_version(uuid) from public, anon;
grant execute on function public.get_chat(uuid), public.select_version(uuid) to authenticated;

-- Storing a person's message and an empty reply below p_parent_id (null: as the chat's first
-- message, or a new version of it), or in a new chat when p_session_id is null. The body of
-- post_message and edit_message; see post_message for what it returns.
create function private.add_turn(
	p_message_id uuid,
	p_content text,
	p_session_id uuid,
	p_parent_id uuid,
	p_title text,
	p_model text
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
			p.id, p.role, p.content, p.status
		from public.chat_sessions s
		cross join private.path_to(coalesce(v_reply_id, v_message_id)) p
		where s.id = v_session_id;
end;
$$;
revoke all on function private.add_turn(uuid, text, uuid, uuid, text, text) from public, anon;
grant execute on function private.add_turn(uuid, text, uuid, uuid, text, text) to authenticated;

drop function public.post_message(uuid, text, uuid, text, text);

-- One round trip for "send a message": creates the session when there is none, stores the
-- person's message below p_parent_id (by default the end of the chat's active path) and an empty
-- reply to stream into, and returns the path to that reply with the chat's settings and the
-- reply's writer token. It runs as the caller, so RLS applies to every statement, and as one
-- transaction, so a failure never leaves an empty session behind. Sending the same message id
-- again stores nothing and returns the path as it stands (is_new = false). A message sent below
-- a reply that is still being written is refused with PT409 (HTTP 409).
create function public.post_message(
	p_message_id uuid,
	p_content text,
	p_session_id uuid default null,
	p_title text default null,
	p_model text default null,
	p_parent_id uuid default null
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
	return query select * from private.add_turn(p_message_id, p_content, p_session_id, v_parent_id, p_title, p_model);
end;
$$;

-- "Save and send" on an edited message: the new text is stored as a new version of the message
-- p_source_id (a sibling: the same parent), with an empty reply, and becomes the active path.
-- Returns what post_message returns; the same p_message_id twice stores it once.
create function public.edit_message(p_message_id uuid, p_source_id uuid, p_content text, p_model text default null)
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
	return query select * from private.add_turn(p_message_id, p_content, v_source.session_id, v_source.parent_id, null, p_model);
end;
$$;

-- "Regenerate": a new reply to the same message as p_reply_id, as its sibling, which becomes
-- the active path. When a reply to that message is being written already (another tab just
-- regenerated it, or p_reply_id itself is still streaming), that one is returned with is_new =
-- false and no writer token, so two requests at once make one new reply and never overwrite one.
create function public.regenerate_reply(p_reply_id uuid)
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
			p.id, p.role, p.content, p.status
		from public.chat_sessions s
		cross join private.path_to(v_reply_id) p
		where s.id = v_old.session_id;
end;
$$;

-- Retry in place now gives the model the failed reply's own path, not the chat's messages before it.
create or replace function public.restart_reply(p_reply_id uuid)
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
	v_writer_token text;
begin
	update public.chat_messages r
	set content = '', status = 'streaming', model = null, progress_at = now(), stop_requested_at = null
	where r.id = p_reply_id and r.role = 'assistant' and r.status <> 'complete'
		and not private.reply_is_live(r.status, r.progress_at, r.created_at)
	returning r.session_id into v_session_id;
	if v_session_id is null then
		raise exception 'reply not found, complete or still being written' using errcode = 'P0002';
	end if;
	update public.chat_sessions s set updated_at = now() where s.id = v_session_id;
	v_writer_token := private.issue_reply_writer(p_reply_id);

	return query
		select v_session_id, v_writer_token, s.model, s.system_prompt, p.id, p.role, p.content, p.status
		from public.chat_sessions s
		cross join private.path_to(p_reply_id) p
		where s.id = v_session_id and p.id <> p_reply_id;
end;
$$;

revoke all on function public.post_message(uuid, text, uuid, text, text, uuid),
	public.edit_message(uuid, uuid, text, text),
	public.regenerate_reply(uuid) from public, anon;
grant execute on function public.post_message(uuid, text, uuid, text, text, uuid),
	public.edit_message(uuid, uuid, text, text),
	public.regenerate_reply(uuid) to authenticated;

-- A share is a snapshot of the active path, finished messages only.
create or replace function public.create_share(p_session_id uuid)
returns table (token text, created_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_user_id uuid := auth.uid();
begin
	if v_user_id is null then
		raise exception 'sign in to share a chat' using errcode = '42501';
	end if;
	return query
		insert into public.chat_shares as sh (token, session_id, user_id, title, messages)
		select
			replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
			s.id,
			v_user_id,
			s.title,
			coalesce(
				(
					select jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content) order by path.depth)
					from private.active_path(s.id) path
					join public.chat_messages m on m.id = path.id
					where m.status = 'complete'
				),
				'[]'::jsonb
			)
		from public.chat_sessions s
		where s.id = p_session_id and s.user_id = v_user_id
		returning sh.token, sh.created_at;
	if not found then
		raise exception 'chat session not found' using errcode = 'P0002';
	end if;
end;
$$;

-- An imported chat is one line of messages, each answering the one before it.
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
begin
	if v_user_id is null then
		raise exception 'sign in to import chats' using errcode = '42501';
	end if;
	if jsonb_typeof(p_chats) <> 'array' then
		raise exception 'chats must be an array' using errcode = '22023';
	end if;
	for v_chat in select value from jsonb_array_elements(p_chats) loop
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
