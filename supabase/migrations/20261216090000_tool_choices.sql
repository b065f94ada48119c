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
