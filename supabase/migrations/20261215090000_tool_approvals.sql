-- Approval for tools that are not marked safe. The writer shows the call as awaiting (in the
-- reply's tools, which it alone writes) and waits; the person's answer goes to a table of its own,
-- so a progress write of the writer can never overwrite it. "Always allow in this chat" is kept
-- with the chat.

create table private.tool_decisions (
	reply_id uuid not null references public.chat_messages (id) on delete cascade,
	call_id text not null check (char_length(call_id) between 1 and 200),
	allow boolean not null,
	decided_at timestamptz not null default now(),
	primary key (reply_id, call_id)
);
alter table private.tool_decisions enable row level security;
revoke all on table private.tool_decisions from public, anon, authenticated;

-- The tools a person has allowed for good in a chat (server__tool), by their decisions only.
alter table public.chat_sessions
	add column allowed_tools text[] not null default '{}'
		constraint chat_sessions_allowed_tools_count check (cardinality(allowed_tools) <= 100);

-- The person's answer to a call their reply's writer is waiting on: 'allow', 'always' (allow, and
-- never ask again in this chat) or 'deny'. Only the owner of the chat answers, only a call the
-- writer shows as awaiting, and only once. True when the answer was taken.
create function public.decide_tool_call(p_reply_id uuid, p_call_id text, p_decision text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_session uuid;
	v_tool text;
begin
	if p_decision not in ('allow', 'always', 'deny') then
		raise exception 'a decision is allow, always or deny' using errcode = '22023';
	end if;
	select m.session_id, c.value ->> 'server' || '__' || (c.value ->> 'tool')
	into v_session, v_tool
	from public.chat_messages m
	join public.chat_sessions s on s.id = m.session_id
	cross join lateral jsonb_array_elements(coalesce(m.tools -> 'calls', '[]'::jsonb)) c
	where m.id = p_reply_id and m.role = 'assistant' and m.status = 'streaming'
		and s.user_id = (select auth.uid())
		and c.value ->> 'id' = p_call_id and c.value ->> 'status' = 'awaiting';
	if v_session is null then
		return false;
	end if;
	insert into private.tool_decisions (reply_id, call_id, allow)
	values (p_reply_id, p_call_id, p_decision <> 'deny')
	on conflict do nothing;
	if not found then
		return false;
	end if;
	if p_decision = 'always' then
		update public.chat_sessions s
		set allowed_tools = s.allowed_tools || v_tool
		where s.id = v_session and not v_tool = any (s.allowed_tools) and cardinality(s.allowed_tools) < 100;
	end if;
	return true;
end;
$$;
revoke all on function public.decide_tool_call(uuid, text, text) from public, anon;
grant execute on function public.decide_tool_call(uuid, text, text) to authenticated;

-- What the writer may do with a call: 'allow' (allowed for good in this chat, or by the person),
-- 'deny', or null while the person has not answered. The writer token is the credential.
create function public.tool_call_permission(p_reply_id uuid, p_writer_token text, p_call_id text, p_tool text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	v_allow boolean;
begin
	if not private.holds_reply(p_reply_id, p_writer_token) then
		return 'deny';
	end if;
	if exists (
		select 1 from public.chat_messages m join public.chat_sessions s on s.id = m.session_id
		where m.id = p_reply_id and p_tool = any (s.allowed_tools)
	) then
		return 'allow';
	end if;
	select d.allow into v_allow from private.tool_decisions d where d.reply_id = p_reply_id and d.call_id = p_call_id;
	return case when v_allow is null then null when v_allow then 'allow' else 'deny' end;
end;
$$;
revoke all on function public.tool_call_permission(uuid, text, text, text) from public;
grant execute on function public.tool_call_permission(uuid, text, text, text) to anon, authenticated;
