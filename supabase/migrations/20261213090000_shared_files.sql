-- Shares carry their messages' files. The snapshot names each file (its id, name, type and size,
-- never where its bytes are); the bytes stay where they are, and a share's token is what reads
-- them: get_shared_file finds a file of a share, and a policy on storage.objects lets a request
-- that sends the token in the `x-share-token` header read it (storage-api hands the request's
-- headers to Postgres as `request.headers`, as PostgREST does). A revoked share reads nothing.

create or replace function public.create_share(p_session_id uuid, p_with_thinking boolean default false)
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


-- The file of a share, by the share's token and the file's id: what the share page serves.
create function public.get_shared_file(p_token text, p_id uuid)
returns table (name text, media_type text, kind text, object_path text, thumbnail_path text)
language sql
stable
security definer
set search_path = ''
as $$
	select a.name, a.media_type, a.kind, a.object_path, a.thumbnail_path
	from public.chat_shares sh
	join public.chat_attachments a on a.id = p_id and a.session_id = sh.session_id
	where sh.token = p_token
		and sh.messages @> jsonb_build_array(jsonb_build_object('attachments', jsonb_build_array(jsonb_build_object('id', p_id))));
$$;
revoke all on function public.get_shared_file(text, uuid) from public;
grant execute on function public.get_shared_file(text, uuid) to anon, authenticated;

-- Whether an object is a file of the share whose token the request sent.
create function private.is_shared_object(p_name text, p_token text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
	select exists (
		select 1
		from public.chat_shares sh
		join public.chat_attachments a on a.session_id = sh.session_id
			and (a.object_path = p_name or a.thumbnail_path = p_name)
		where sh.token = p_token
			and sh.messages @> jsonb_build_array(jsonb_build_object('attachments', jsonb_build_array(jsonb_build_object('id', a.id))))
	);
$$;
revoke all on function private.is_shared_object(text, text) from public;
grant usage on schema private to anon;
grant execute on function private.is_shared_object(text, text) to anon, authenticated;

create policy "A share's token reads the share's files" on storage.objects
	for select to anon, authenticated
	using (
		bucket_id = 'attachments'
		and private.is_shared_object(name, nullif(current_setting('request.headers', true), '')::json ->> 'x-share-token')
	);
