-- Which of the operator's tools a chat may use. Chat settings lists them with a switch each; the
-- ones switched off are kept here (server__tool), so a tool the operator adds later is on until
-- the person turns it off. The list only ever takes tools away: a name in it that no server offers
-- switches nothing on.
alter table public.chat_sessions
	add column disabled_tools text[] not null default '{}'
		constraint chat_sessions_disabled_tools_size check (
			cardinality(disabled_tools) <= 200 and char_length(array_to_string(disabled_tools, ' ')) <= 20000
		);

-- The person's own preference, like the system prompt.
grant update (disabled_tools) on table public.chat_sessions to authenticated;

-- The tools a reply's chat has switched off, for its writer, which holds no session of the
-- person's: the writer token is the credential. A wrong token reads nothing.
create function public.reply_disabled_tools(p_reply_id uuid, p_writer_token text)
returns text[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if not private.holds_reply(p_reply_id, p_writer_token) then
		return '{}';
	end if;
	return (
		select s.disabled_tools
		from public.chat_messages m join public.chat_sessions s on s.id = m.session_id
		where m.id = p_reply_id
	);
end;
$$;
revoke all on function public.reply_disabled_tools(uuid, text) from public;
grant execute on function public.reply_disabled_tools(uuid, text) to anon, authenticated;

-- A share may carry the replies' tool calls, when its owner ticks the box: a tool's arguments and
-- answer can hold what the person would not publish (a note, a search of their files), so like
-- the thinking they are left out unless asked for.
drop function public.create_share(uuid, boolean);
create function public.create_share(
	p_session_id uuid,
	p_with_thinking boolean default false,
	p_with_tools boolean default false
)
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
					select jsonb_agg(
						case
							when p_with_thinking and m.reasoning <> '' then
								jsonb_build_object(
									'role', m.role,
									'content', m.content,
									'reasoning', m.reasoning,
									'reasoning_ms', m.reasoning_ms
								)
							else jsonb_build_object('role', m.role, 'content', m.content)
						end
						|| case
							when p_with_tools and jsonb_array_length(coalesce(m.tools -> 'calls', '[]'::jsonb)) > 0 then
								jsonb_build_object('tools', m.tools)
							else '{}'::jsonb
						end
						|| coalesce(
							(
								select jsonb_build_object('attachments', jsonb_agg(
									jsonb_build_object('id', a.id, 'name', a.name, 'media_type', a.media_type,
										'kind', a.kind, 'size_bytes', a.size_bytes, 'thumbnail', a.thumbnail_path is not null)
									order by a.position
								))
								from public.chat_attachments a
								where a.message_id = m.id
								having count(*) > 0
							),
							'{}'::jsonb
						)
						order by path.depth
					)
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
revoke all on function public.create_share(uuid, boolean, boolean) from public, anon;
grant execute on function public.create_share(uuid, boolean, boolean) to authenticated;
