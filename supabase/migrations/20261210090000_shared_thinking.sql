-- A share may carry the model's thinking, when the person who shares opts in. Without the
-- choice a share is what it was: each finished message's role and content, nothing more.
drop function public.create_share(uuid);
create function public.create_share(p_session_id uuid, p_with_thinking boolean default false)
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

revoke all on function public.create_share(uuid, boolean) from public, anon;
grant execute on function public.create_share(uuid, boolean) to authenticated;
