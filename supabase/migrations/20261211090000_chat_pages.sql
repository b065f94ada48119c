-- Long chats: a chat page reads one page of its active path, newest first, not the whole tree.
--
-- The message stored or chosen last in a chat (the newest selected_at, then position) is always
-- on its active path: every change of path stores or chooses a message. From it, the chosen
-- versions lead down to the path's end, usually in no step at all. From a page's last message,
-- parent links lead up, one primary-key lookup per message, until the page is full: p_limit
-- messages, or p_chars characters of text and thinking, whichever comes first. A page does not
-- begin with a reply without the message it answers.
create index chat_messages_session_id_selected_at_idx
	on public.chat_messages (session_id, selected_at desc, position desc);

drop function public.get_chat(uuid);
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
	has_later boolean
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
		edges.has_earlier, edges.has_later
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
	order by u.steps desc nulls last;
$$;
revoke all on function public.get_chat(uuid, uuid, uuid, integer, integer) from public, anon;
grant execute on function public.get_chat(uuid, uuid, uuid, integer, integer) to authenticated;
