-- A reasoning model's thinking, kept with its reply and apart from the answer.
--
--   reasoning      what the model thought before (or while) answering, as it streamed: written by
--                  the reply's writer with each progress write, like the content, so a reload in
--                  the middle of a thought resumes it; kept when the reply is stopped or fails.
--   reasoning_ms   how long the thinking took (from the first thought to the first word of the
--                  answer, or to the end), once known; null while it goes on, or with none.
--
-- Nobody writes these but the writer: people hold no UPDATE on chat_messages, and their INSERT
-- grant names its columns, which these are not among. get_chat returns them; search_chats and
-- shares do not read them.
alter table public.chat_messages
	add column reasoning text not null default '' check (char_length(reasoning) <= 100000),
	add column reasoning_ms integer check (reasoning_ms >= 0);

-- The writer's batched write, now with the thinking so far (null leaves it as it is).
drop function public.write_reply_progress(uuid, text, text);
create function public.write_reply_progress(
	p_reply_id uuid,
	p_writer_token text,
	p_content text,
	p_reasoning text default null
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
	set content = p_content, reasoning = coalesce(left(p_reasoning, 100000), r.reasoning), progress_at = now()
	where r.id = p_reply_id and r.role = 'assistant' and r.status = 'streaming'
	returning r.stop_requested_at into v_stop;
	if not found then
		return 'gone';
	end if;
	return case when v_stop is null then 'go' else 'stop' end;
end;
$$;
revoke all on function public.write_reply_progress(uuid, text, text, text) from public;
-- The writer calls it without any user token: the writer token is the credential.
grant execute on function public.write_reply_progress(uuid, text, text, text) to anon, authenticated;

-- The writer's last write, now with the thinking and how long it took.
drop function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean);
create function public.finish_reply(
	p_reply_id uuid,
	p_writer_token text,
	p_content text,
	p_status public.chat_message_status,
	p_model text,
	p_title_pending boolean default false,
	p_reasoning text default '',
	p_reasoning_ms integer default null
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
		reasoning_ms = case when coalesce(p_reasoning, '') = '' then null else greatest(p_reasoning_ms, 0) end
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
revoke all on function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean, text, integer) from public;
grant execute on function public.finish_reply(uuid, text, text, public.chat_message_status, text, boolean, text, integer) to anon, authenticated;

-- The chat's active path, now with each reply's thinking.
drop function public.get_chat(uuid);
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
	next_version uuid,
	reasoning text,
	reasoning_ms integer
)
language sql
stable
set search_path = ''
as $$
	select newest.title, newest.chat_model, newest.system_prompt, newest.id, newest.role, newest.content,
		newest.status, newest.model, newest.created_at, newest.is_live, newest.version, newest.versions,
		newest.previous_version, newest.next_version, newest.reasoning, newest.reasoning_ms
	from (
		select s.title, s.model as chat_model, s.system_prompt,
			m.id, m.role, m.content, m.status, m.model, m.created_at,
			private.reply_is_live(m.status, m.progress_at, m.created_at) as is_live,
			v.version, v.versions, v.previous_version, v.next_version, path.depth,
			m.reasoning, m.reasoning_ms
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
revoke all on function public.get_chat(uuid) from public, anon;
grant execute on function public.get_chat(uuid) to authenticated;
