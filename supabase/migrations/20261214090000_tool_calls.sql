-- Tools (Model Context Protocol): a reply's tool calls live with the reply, in chat_messages.tools,
-- as the cards the page draws ({"calls": [...], "stepLimit"?: n, "unavailable"?: [...]}). They are
-- the writer's work like the reply's text and thinking: written with the writer token, by the same
-- progress writes (no extra round trip while a reply streams), and read with the message under its
-- RLS. Files are the person's, uploaded apart, so they have rows of their own (chat_attachments);
-- tool calls are not, so they do not.

alter table public.chat_messages
	add column tools jsonb
		constraint chat_messages_tools_shape check (
			tools is null or (role = 'assistant' and jsonb_typeof(tools) = 'object' and pg_column_size(tools) <= 262144)
		);

-- The writer's progress, now with the tool calls as they stand.
drop function public.write_reply_progress(uuid, text, text, text);
create function public.write_reply_progress(
	p_reply_id uuid,
	p_writer_token text,
	p_content text,
	p_reasoning text default null,
	p_tools jsonb default null
)
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
	update public.chat_messages r
	set content = p_content, reasoning = coalesce(left(p_reasoning, 100000), r.reasoning),
		tools = coalesce(p_tools, r.tools), progress_at = now()
	where r.id = p_reply_id and r.role = 'assistant' and r.status = 'streaming'
	returning r.stop_requested_at into v_stop;
	if not found then
		return 'gone';
	end if;
	return case when v_stop is null then 'go' else 'stop' end;
end;
$$;
revoke all on function public.write_reply_progress(uuid, text, text, text, jsonb) from public;
-- The writer calls it without any user token: the writer token is the credential.
grant execute on function public.write_reply_progress(uuid, text, text, text, jsonb) to anon, authenticated;

-- The writer's last write, now with the tool calls as they ended.
drop function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean, text, integer);
create function public.finish_reply(
	p_reply_id uuid,
	p_writer_token text,
	p_content text,
	p_status public.chat_message_status,
	p_model text,
	p_title_pending boolean default false,
	p_reasoning text default '',
	p_reasoning_ms integer default null,
	p_tools jsonb default null
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
	set content = p_content, status = p_status, model = nullif(p_model, ''), progress_at = now(),
		reasoning = left(coalesce(p_reasoning, ''), 100000),
		reasoning_ms = case when coalesce(p_reasoning, '') = '' then null else greatest(p_reasoning_ms, 0) end,
		tools = coalesce(p_tools, r.tools)
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
revoke all on function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean, text, integer, jsonb) from public;
grant execute on function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean, text, integer, jsonb) to anon, authenticated;

-- A chat page shows each reply's tool calls.
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
	attachments jsonb,
	tools jsonb
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
		edges.has_earlier, edges.has_later, files.attachments, m.tools
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
