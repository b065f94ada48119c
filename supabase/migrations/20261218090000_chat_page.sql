-- A chat page opened whole (a visit, a reload, a form post without JavaScript) reads the chat list
-- for its sidebar and one page of the chat. One call for both is one round trip and one Worker
-- subrequest instead of two. Both parts are the functions a person calls already, under their own
-- token and RLS: nothing here reads more than get_chat and list_chats do.
create function public.chat_page(
	p_session_id uuid,
	p_before uuid default null,
	p_at uuid default null,
	p_limit integer default 50,
	p_chars integer default 24000,
	p_list_before_updated_at timestamptz default null,
	p_list_before_id uuid default null,
	p_list_limit integer default 50
)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
	select jsonb_build_object(
		'chat', coalesce(
			(
				select jsonb_agg(to_jsonb(c) - 'ordinality' order by c.ordinality)
				from public.get_chat(p_session_id, p_before, p_at, p_limit, p_chars) with ordinality as c
			),
			'[]'::jsonb
		),
		'chats', coalesce(
			(
				select jsonb_agg(to_jsonb(l) - 'ordinality' order by l.ordinality)
				from public.list_chats(p_list_before_updated_at, p_list_before_id, p_list_limit) with ordinality as l
			),
			'[]'::jsonb
		)
	);
$$;

revoke all on function public.chat_page(uuid, uuid, uuid, integer, integer, timestamptz, uuid, integer) from public, anon;
grant execute on function public.chat_page(uuid, uuid, uuid, integer, integer, timestamptz, uuid, integer) to authenticated;
