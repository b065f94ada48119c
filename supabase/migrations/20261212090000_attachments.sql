-- Files in chats. The bytes live in Supabase Storage, in the private bucket `attachments`, under
-- a folder named after their owner (`<user id>/<attachment id>`); a message's files are rows of
-- chat_attachments, stored with the message in one transaction by post_message.
--
-- The same design serves whatever else a message comes to hold besides its text: rows of their
-- own, owned by the person, tied to the message (and so deleted with it), in order by position,
-- and returned with the message by get_chat.

-- 1. Storage: the bucket, and who may do what with its objects. People upload to their own folder
-- only, read and delete only what is in it, and never change a file (no UPDATE: no upsert, no
-- move). The storage server runs these policies as the caller, on hosted Supabase and locally.
insert into storage.buckets (id, name, public) values ('attachments', 'attachments', false)
on conflict (id) do nothing;

-- How much a person may keep in Storage, per plan (see private.usage_plans), unless the admin API
-- gave them their own limit in app_metadata.storage_limit_mb.
alter table private.usage_plans add column storage_bytes bigint not null default 209715200
	check (storage_bytes >= 0);
update private.usage_plans set storage_bytes = 20971520 where plan = 'guest';

-- What a person's files take in Storage now, and what their plan allows.
create function private.storage_usage_of(p_user_id uuid)
returns table (used_bytes bigint, limit_bytes bigint)
language sql
stable
security definer
set search_path = ''
as $$
	select
		coalesce((
			select sum((o.metadata ->> 'size')::bigint) from storage.objects o
			where o.bucket_id = 'attachments' and (storage.foldername(o.name))[1] = p_user_id::text
		), 0)::bigint,
		coalesce(private.metadata_int(u.raw_app_meta_data, 'storage_limit_mb')::bigint * 1048576, p.storage_bytes)
	from auth.users u
	join private.usage_plans p on p.plan = case when u.is_anonymous then 'guest' else 'member' end
	where u.id = p_user_id;
$$;
revoke all on function private.storage_usage_of(uuid) from public, anon, authenticated;

-- A new file is let in while what is stored is under the plan's limit: the limit can be passed by
-- at most the one file (whose size is not known before its bytes arrive), never by more.
create function private.has_storage_room(p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select coalesce((select u.used_bytes < u.limit_bytes from private.storage_usage_of(p_user_id) u), false);
$$;
revoke all on function private.has_storage_room(uuid) from public, anon;
grant execute on function private.has_storage_room(uuid) to authenticated;

create policy "Owners read their attachment files" on storage.objects
	for select to authenticated
	using (bucket_id = 'attachments' and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "Owners add attachment files to their folder" on storage.objects
	for insert to authenticated
	with check (
		bucket_id = 'attachments'
		and (storage.foldername(name))[1] = (select auth.uid())::text
		and owner_id = (select auth.uid())::text
		and private.has_storage_room((select auth.uid()))
	);
create policy "Owners delete their attachment files" on storage.objects
	for delete to authenticated
	using (bucket_id = 'attachments' and (storage.foldername(name))[1] = (select auth.uid())::text);

-- The caller's own usage, for the composer to say how much room is left.
create function public.storage_usage()
returns table (used_bytes bigint, limit_bytes bigint)
language sql
stable
security definer
set search_path = ''
as $$
	select u.used_bytes, u.limit_bytes from private.storage_usage_of(auth.uid()) u;
$$;
revoke all on function public.storage_usage() from public, anon;
grant execute on function public.storage_usage() to authenticated;

-- 2. A message's files.
create table public.chat_attachments (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	session_id uuid not null references public.chat_sessions (id) on delete cascade,
	message_id uuid not null references public.chat_messages (id) on delete cascade,
	position smallint not null check (position between 0 and 99),
	-- The name the person's file had, for showing and downloading; never part of a path.
	name text not null check (char_length(name) between 1 and 255),
	media_type text not null check (media_type ~ '^[a-z]+/[a-z0-9.+-]+$' and char_length(media_type) <= 100),
	kind text not null check (kind in ('image', 'document')),
	size_bytes bigint not null check (size_bytes > 0),
	sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
	-- Where the bytes are in the attachments bucket. Versions of an edited message share them.
	object_path text not null check (char_length(object_path) <= 200),
	-- An image's small copy, made by the browser that sent it, for the conversation to show.
	thumbnail_path text check (char_length(thumbnail_path) <= 200),
	-- A document's text, as the model reads it, and whether it was cut to fit.
	text_content text check (char_length(text_content) <= 1000000),
	text_cut boolean not null default false,
	created_at timestamptz not null default now(),
	unique (message_id, position),
	check (object_path like user_id::text || '/%'),
	check (thumbnail_path is null or (thumbnail_path like user_id::text || '/%' and kind = 'image')),
	check ((kind = 'document') = (text_content is not null))
);
create index chat_attachments_session_id_idx on public.chat_attachments (session_id);
create index chat_attachments_user_id_idx on public.chat_attachments (user_id);

alter table public.chat_attachments enable row level security;
create policy "Owners read their attachments" on public.chat_attachments
	for select to authenticated using (user_id = (select auth.uid()));
-- The foreign keys are checked without RLS: the policy asks for the message through RLS, and for
-- a path in the person's own folder.
create policy "Owners attach files to their own messages" on public.chat_attachments
	for insert to authenticated with check (
		user_id = (select auth.uid())
		and object_path like (select auth.uid())::text || '/%'
		and (thumbnail_path is null or thumbnail_path like (select auth.uid())::text || '/%')
		and exists (
			select 1 from public.chat_messages m
			where m.id = message_id and m.session_id = chat_attachments.session_id
				and m.user_id = (select auth.uid()) and m.role = 'user'
		)
	);
-- No UPDATE or DELETE: rows go with their message, chat or account.
revoke all on table public.chat_attachments from anon, authenticated;
grant select, insert on table public.chat_attachments to authenticated;

-- A message's files as a turn's model call reads them: a document's text, an image's path (the
-- reply's writer fetches it through a signed link). Null for a message without files.
create function private.message_files(p_message_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
	select jsonb_agg(
		jsonb_build_object('name', a.name, 'media_type', a.media_type, 'kind', a.kind, 'object_path', a.object_path,
			'text_content', a.text_content, 'text_cut', a.text_cut)
		order by a.position
	)
	from public.chat_attachments a
	where a.message_id = p_message_id;
$$;
revoke all on function private.message_files(uuid) from public, anon;
grant execute on function private.message_files(uuid) to authenticated;

-- 3. Storing a message with its files.
drop function public.post_message(uuid, text, uuid, text, text, uuid, jsonb);
drop function public.edit_message(uuid, uuid, text, text, jsonb);
drop function private.add_turn(uuid, text, uuid, uuid, text, text, jsonb);

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
	p_budget jsonb,
	p_attachments jsonb
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
	depth integer,
	attachments jsonb
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
			insert into public.chat_attachments (
				session_id, message_id, position, name, media_type, kind, size_bytes, sha256, object_path,
				text_content, text_cut, thumbnail_path
			)
			select v_session_id, v_message_id, (f.ordinality - 1)::smallint, f.value ->> 'name',
				f.value ->> 'media_type', f.value ->> 'kind', (f.value ->> 'size_bytes')::bigint,
				f.value ->> 'sha256', f.value ->> 'object_path', f.value ->> 'text_content',
				coalesce((f.value ->> 'text_cut')::boolean, false), f.value ->> 'thumbnail_path'
			from jsonb_array_elements(coalesce(p_attachments, '[]'::jsonb)) with ordinality f;
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
			p.id, p.parent_id, p.role, p.content, p.status, p.depth, private.message_files(p.id)
		from public.chat_sessions s
		cross join private.path_within(coalesce(v_reply_id, v_message_id), private.budget_chars(p_budget, s.model)) p
		where s.id = v_session_id
		order by p.depth;
end;
$$;
revoke all on function private.add_turn(uuid, text, uuid, uuid, text, text, jsonb, jsonb) from public, anon;
grant execute on function private.add_turn(uuid, text, uuid, uuid, text, text, jsonb, jsonb) to authenticated;

-- One round trip for "send a message": creates the session when there is none, stores the
-- person's message below p_parent_id (by default the end of the chat's active path) and an empty
-- reply to stream into, and returns the path to that reply, newest first and only as much as fits
-- p_budget, with the chat's settings and the reply's writer token. It runs as the caller, so RLS
-- applies to every statement, and as one transaction, so a failure never leaves an empty session
-- behind. Sending the same message id again stores nothing and returns the path as it stands
-- (is_new = false). p_attachments lists the message's files, already in Storage (see
-- chat_attachments), stored with it in the same transaction. A message sent below a reply that is still being written is refused with
-- PT409 (HTTP 409).
create function public.post_message(
	p_message_id uuid,
	p_content text,
	p_session_id uuid default null,
	p_title text default null,
	p_model text default null,
	p_parent_id uuid default null,
	p_budget jsonb default null,
	p_attachments jsonb default null
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
	depth integer,
	attachments jsonb
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
		select * from private.add_turn(
			p_message_id, p_content, p_session_id, v_parent_id, p_title, p_model, p_budget, p_attachments
		) t
		order by t.depth;
end;
$$;

-- "Save and send" on an edited message: the new text is stored as a new version of the message
-- p_source_id (a sibling: the same parent), with an empty reply, and becomes the active path.
-- Returns what post_message returns; the same p_message_id twice stores it once. The new version
-- keeps the files of the one it was edited from.
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
	depth integer,
	attachments jsonb
)
language plpgsql
set search_path = ''
as $$
declare
	v_source record;
	v_attachments jsonb;
begin
	select m.session_id, m.parent_id into v_source
	from public.chat_messages m where m.id = p_source_id and m.role = 'user';
	if not found then
		raise exception 'message not found' using errcode = 'P0002';
	end if;
	select jsonb_agg(to_jsonb(a) order by a.position) into v_attachments
	from public.chat_attachments a where a.message_id = p_source_id;
	return query
		select * from private.add_turn(
			p_message_id, p_content, v_source.session_id, v_source.parent_id, null, p_model, p_budget, v_attachments
		) t
		order by t.depth;
end;
$$;

revoke all on function public.post_message(uuid, text, uuid, text, text, uuid, jsonb, jsonb),
	public.edit_message(uuid, uuid, text, text, jsonb) from public, anon;
grant execute on function public.post_message(uuid, text, uuid, text, text, uuid, jsonb, jsonb),
	public.edit_message(uuid, uuid, text, text, jsonb) to authenticated;

-- Regenerate and Retry return each message's files too, as post_message does, so no turn needs
-- a second read to hand its model the files.
drop function public.regenerate_reply(uuid, jsonb);
drop function public.restart_reply(uuid, jsonb);
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
	depth integer,
	attachments jsonb
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
			p.id, p.parent_id, p.role, p.content, p.status, p.depth, private.message_files(p.id)
		from public.chat_sessions s
		cross join private.path_within(v_reply_id, private.budget_chars(p_budget, s.model)) p
		where s.id = v_old.session_id
		order by p.depth;
end;
$$;

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
	depth integer,
	attachments jsonb
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
		select v_session_id, v_writer_token, s.model, s.system_prompt, p.id, p.parent_id, p.role, p.content, p.status, p.depth,
			private.message_files(p.id)
		from public.chat_sessions s
		cross join private.path_within(p_reply_id, private.budget_chars(p_budget, s.model)) p
		where s.id = v_session_id and p.id <> p_reply_id
		order by p.depth;
end;
$$;

revoke all on function public.regenerate_reply(uuid, jsonb), public.restart_reply(uuid, jsonb) from public, anon;
grant execute on function public.regenerate_reply(uuid, jsonb), public.restart_reply(uuid, jsonb) to authenticated;

-- 4. A chat page shows each message's files.
drop function public.get_chat(uuid, uuid, uuid, integer, integer);
create function public.get_chat(
	p_session_id uuid,
	p_before uuid default null,
	p_at uuid default null,
	p_limit integer default 50,
	p_chars integer default 24000
)
returns table (
	title text,
	chat_model text,
	system_prompt text,
	id uuid,
	parent_id uuid,
	role public.chat_role,
	content text,
	status public.chat_message_status,
	model text,
	created_at timestamptz,
	is_live boolean,
	version integer,
	versions integer,
	previous_version uuid,
	next_version uuid,
	reasoning text,
	reasoning_ms integer,
	has_earlier boolean,
	has_later boolean,
	attachments jsonb
)
language sql
stable
set search_path = ''
as $$
	with recursive
	chat as (
		select s.title, s.model, s.system_prompt from public.chat_sessions s where s.id = p_session_id
	),
	-- p_before: the page ends with the message before it. p_at: the page holds it: the newest
	-- page when it is among the last p_limit messages, else it and the few after it. A message of
	-- another chat, or none, means the newest page.
	named as (
		select case when p_at is not null then m.id else m.parent_id end as id
		from public.chat_messages m
		where m.id = coalesce(p_at, p_before) and m.session_id = p_session_id
	),
	start (id, max_steps) as (
		select coalesce(n.id, newest.id),
			case when n.id is null then 2147483647 when p_at is not null then least(greatest(p_limit, 2), 200) else 0 end
		from (select 1) one
		left join named n on true
		left join lateral (
			select m.id from public.chat_messages m
			where m.session_id = p_session_id
			order by m.selected_at desc, m.position desc
			limit 1
		) newest on true
	),
	down (id, steps, max_steps) as (
		select st.id, 0, st.max_steps from start st where st.id is not null
		union all
		select child.id, d.steps + 1, d.max_steps
		from down d
		cross join lateral (
			select c.id from public.chat_messages c
			where c.parent_id = d.id
			order by c.selected_at desc, c.position desc
			limit 1
		) child
		where d.steps < d.max_steps
	),
	deepest as (
		select d.id, d.steps from down d order by d.steps desc limit 1
	),
	-- The message p_at names, when it is this chat's.
	target as (
		select n.id from named n where p_at is not null and n.id is not null
	),
	page_end as (
		select case
			when not exists (select 1 from target)
				or not exists (select 1 from public.chat_messages c join deepest on c.parent_id = deepest.id)
				then (select deepest.id from deepest)
			else (select d.id from down d where d.steps <= 3 order by d.steps desc limit 1)
		end as id
	),
	-- A page that must hold p_at's message reaches it whatever the character budget says.
	up (id, parent_id, role, steps, chars, reached) as (
		select m.id, m.parent_id, m.role, 0, char_length(m.content) + char_length(m.reasoning),
			m.id in (select t.id from target t)
		from page_end e
		join public.chat_messages m on m.id = e.id
		union all
		select p.id, p.parent_id, p.role, u.steps + 1, u.chars + char_length(p.content) + char_length(p.reasoning),
			u.reached or p.id in (select t.id from target t)
		from up u
		join public.chat_messages p on p.id = u.parent_id
		where (u.steps + 1 < least(greatest(p_limit, 2), 200) and u.chars < p_chars)
			or u.role = 'assistant'
			or (not u.reached and exists (select 1 from target) and u.steps < 200)
	),
	edges as (
		select
			coalesce((select u.parent_id is not null from up u order by u.steps desc limit 1), false) as has_earlier,
			exists (select 1 from public.chat_messages c join page_end e on c.parent_id = e.id) as has_later
	)
	select c.title, c.model, c.system_prompt, m.id, m.parent_id, m.role, m.content, m.status, m.model, m.created_at,
		private.reply_is_live(m.status, m.progress_at, m.created_at),
		v.version, v.versions, v.previous_version, v.next_version, m.reasoning, m.reasoning_ms,
		edges.has_earlier, edges.has_later, files.attachments
	from chat c
	cross join edges
	left join up u on true
	left join public.chat_messages m on m.id = u.id
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
	left join lateral (
		select jsonb_agg(
			jsonb_build_object('id', a.id, 'name', a.name, 'media_type', a.media_type, 'kind', a.kind,
				'size_bytes', a.size_bytes, 'text_cut', a.text_cut, 'thumbnail', a.thumbnail_path is not null)
			order by a.position
		) as attachments
		from public.chat_attachments a where a.message_id = m.id
	) files on m.id is not null
	order by u.steps desc nulls last;
$$;
revoke all on function public.get_chat(uuid, uuid, uuid, integer, integer) from public, anon;
grant execute on function public.get_chat(uuid, uuid, uuid, integer, integer) to authenticated;
