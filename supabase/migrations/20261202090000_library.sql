-- The chat library: paging the chat list, full-text search, share links and import.
--
-- Everything a person reaches here goes through RLS (the list and search functions run as the
-- caller). The two exceptions are narrow security definer functions that check the caller
-- themselves: create_share and import_chats write rows whose shape the app decides, and
-- get_shared_chat hands one snapshot to whoever holds its token, anon included.

create extension if not exists pg_trgm with schema extensions;
create extension if not exists btree_gin with schema extensions;

-- The chat list pages by (updated_at, id), newest first; id breaks ties between equal times.
drop index public.chat_sessions_user_id_updated_at_idx;
create index chat_sessions_user_id_updated_at_id_idx on public.chat_sessions (user_id, updated_at desc, id desc);

-- One page of the caller's chats, older than the given (updated_at, id), newest first.
create function public.list_chats(
	p_before_updated_at timestamptz default null,
	p_before_id uuid default null,
	p_limit integer default 50
)
returns table (id uuid, title text, updated_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
	select s.id, s.title, s.updated_at
	from public.chat_sessions s
	where p_before_updated_at is null
		or (s.updated_at, s.id) < (p_before_updated_at, coalesce(p_before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
	order by s.updated_at desc, s.id desc
	limit least(greatest(p_limit, 1), 200);
$$;

-- Search. English stemming for the full-text part; the trigram index covers what it misses:
-- partial words, and languages the English configuration does not stem.
alter table public.chat_messages
	add column search tsvector generated always as (to_tsvector('english', content)) stored;
alter table public.chat_sessions
	add column search tsvector generated always as (to_tsvector('english', title)) stored;
-- Each index leads with user_id (btree_gin), so one index scan answers both the search and the
-- RLS condition; with the text alone, Postgres would rather read all of a person's rows by owner.
create index chat_messages_search_idx on public.chat_messages using gin (user_id, search);
create index chat_sessions_search_idx on public.chat_sessions using gin (user_id, search);
create index chat_messages_content_trgm_idx on public.chat_messages using gin (user_id, content extensions.gin_trgm_ops);
create index chat_sessions_title_trgm_idx on public.chat_sessions using gin (user_id, title extensions.gin_trgm_ops);

-- Why search needs helpers: under RLS, Postgres evaluates a table's policy before any condition
-- that is not leakproof, and @@ and ILIKE are not. So a plain query under RLS cannot let the
-- GIN index find the matches; it reads every row the person owns and filters them (about 150 ms
-- for 100,000 messages). The helpers below find matching ids with the index instead. They run
-- as definer, in a schema PostgREST does not expose, and return only the caller's own ids
-- (user_id = auth.uid() leads each index). search_chats then reads the rows through RLS.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated;

create function private.matching_messages(p_query tsquery, p_limit integer)
returns table (id uuid, rank real)
language sql
stable
security definer
set search_path = ''
as $$
	select m.id, ts_rank_cd(m.search, p_query)
	from public.chat_messages m
	where m.user_id = (select auth.uid()) and m.search @@ p_query
	order by 2 desc, m.created_at desc
	limit p_limit;
$$;

create function private.matching_titles(p_query tsquery, p_limit integer)
returns table (id uuid, rank real)
language sql
stable
security definer
set search_path = ''
as $$
	select s.id, (ts_rank_cd(s.search, p_query) * 2)::real
	from public.chat_sessions s
	where s.user_id = (select auth.uid()) and s.search @@ p_query
	order by 2 desc, s.updated_at desc
	limit p_limit;
$$;

-- p_pattern is an ILIKE pattern with its wildcards already escaped by the caller.
create function private.substring_messages(p_pattern text, p_limit integer)
returns table (id uuid)
language sql
stable
security definer
set search_path = ''
as $$
	select m.id from public.chat_messages m
	where m.user_id = (select auth.uid()) and m.content ilike p_pattern
	order by m.created_at desc
	limit p_limit;
$$;

create function private.substring_titles(p_pattern text, p_limit integer)
returns table (id uuid)
language sql
stable
security definer
set search_path = ''
as $$
	select s.id from public.chat_sessions s
	where s.user_id = (select auth.uid()) and s.title ilike p_pattern
	order by s.updated_at desc
	limit p_limit;
$$;

revoke all on all functions in schema private from public, anon;
grant execute on all functions in schema private to authenticated;

-- The caller's best matches for a websearch_to_tsquery query ("quoted phrases", -exclusions),
-- ranked, a title match above a message match. Snippets mark hits with U+E000 and U+E001 rather
-- than HTML, because ts_headline escapes nothing: the app renders the parts as plain text.
-- When full-text search finds nothing, a plain substring match (served by the trigram indexes)
-- stands in. message_id is null for a match on the title alone. Rows are read under RLS.
create function public.search_chats(p_query text, p_limit integer default 20)
returns table (
	session_id uuid,
	message_id uuid,
	title text,
	snippet text,
	rank real,
	created_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
	v_query tsquery := websearch_to_tsquery('english', p_query);
	v_limit integer := least(greatest(p_limit, 1), 50);
	v_words text;
	v_pattern text;
	v_marks text := 'StartSel=' || U&'\E000' || ', StopSel=' || U&'\E001' || ', MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "';
begin
	if numnode(v_query) > 0 then
		return query
			with hits as (
				(
					select s.id as session_id, null::uuid as message_id, s.title as body, s.updated_at as at, t.rank
					from private.matching_titles(v_query, v_limit) t
					join public.chat_sessions s on s.id = t.id
				)
				union all
				(
					select m.session_id, m.id, m.content, m.created_at, h.rank
					from private.matching_messages(v_query, v_limit) h
					join public.chat_messages m on m.id = h.id
				)
			),
			-- A title is usually its first message: list the chat once, at the message.
			best as (
				select * from hits h
				where h.message_id is not null
					or not exists (select 1 from hits other where other.session_id = h.session_id and other.message_id is not null)
				order by h.rank desc, h.at desc
				limit v_limit
			)
			select b.session_id, b.message_id, s.title, ts_headline('english', b.body, v_query, v_marks), b.rank, b.at
			from best b
			join public.chat_sessions s on s.id = b.session_id
			order by b.rank desc, b.at desc;
		if found then
			return;
		end if;
	end if;

	-- The fallback matches the words as typed, without the search syntax, and marks the first hit.
	v_words := btrim(regexp_replace(p_query, '["\s]+', ' ', 'g'));
	if char_length(v_words) < 3 then
		return;
	end if;
	v_pattern := '%' || replace(replace(replace(v_words, '\', '\\'), '%', '\%'), '_', '\_') || '%';
	return query
		with hits as (
			(
				select s.id as session_id, null::uuid as message_id, s.title as body, s.updated_at as at
				from private.substring_titles(v_pattern, v_limit) t
				join public.chat_sessions s on s.id = t.id
			)
			union all
			(
				select m.session_id, m.id, m.content, m.created_at
				from private.substring_messages(v_pattern, v_limit) h
				join public.chat_messages m on m.id = h.id
			)
		),
		best as (
			select * from hits h
			where h.message_id is not null
				or not exists (select 1 from hits other where other.session_id = h.session_id and other.message_id is not null)
			order by h.at desc
			limit v_limit
		)
		select b.session_id, b.message_id, s.title,
			case when hit.at > 0 then
				substr(b.body, hit.from_at, hit.at - hit.from_at) || U&'\E000'
					|| substr(b.body, hit.at, char_length(v_words)) || U&'\E001'
					|| substr(b.body, hit.at + char_length(v_words), 160)
			else left(b.body, 240) end,
			0::real, b.at
		from best b
		join public.chat_sessions s on s.id = b.session_id
		cross join lateral (
			select strpos(lower(b.body), lower(v_words)) as at,
				greatest(strpos(lower(b.body), lower(v_words)) - 80, 1) as from_at
		) hit
		order by b.at desc;
end;
$$;

-- Share links: a read-only snapshot of a chat as it was when shared. The token is 64 hex
-- characters from two random UUIDs (244 random bits). Revoking a share deletes its row.
create table public.chat_shares (
	token text primary key check (token ~ '^[0-9a-f]{64}$'),
	session_id uuid not null references public.chat_sessions (id) on delete cascade,
	user_id uuid not null references auth.users (id) on delete cascade,
	title text not null,
	messages jsonb not null,
	created_at timestamptz not null default now()
);
create index chat_shares_user_id_created_at_idx on public.chat_shares (user_id, created_at desc);
create index chat_shares_session_id_idx on public.chat_shares (session_id);

alter table public.chat_shares enable row level security;
create policy "Owners read their shares" on public.chat_shares
	for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners revoke their shares" on public.chat_shares
	for delete to authenticated using (user_id = (select auth.uid()));

-- Owners list and revoke; nobody inserts or updates directly, and anon gets nothing at all.
revoke all on table public.chat_shares from anon, authenticated;
grant select, delete on table public.chat_shares to authenticated;

-- Shares the caller's chat as it is now: finished messages only, in order.
create function public.create_share(p_session_id uuid)
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
					select jsonb_agg(jsonb_build_object('role', m.role, 'content', m.content) order by m.position)
					from public.chat_messages m
					where m.session_id = s.id and m.status = 'complete'
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

-- The one way to read a share: by its exact token. Nothing lists shares for anon.
create function public.get_shared_chat(p_token text)
returns table (title text, messages jsonb, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
	select sh.title, sh.messages, sh.created_at from public.chat_shares sh where sh.token = p_token;
$$;

-- Import: new chats for the caller, from Parley's export format (already validated by the app;
-- the table constraints check lengths again). One call is one transaction, so a file that fails
-- anywhere changes nothing. Returns the new chats' ids in file order.
create function public.import_chats(p_chats jsonb)
returns setof uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_user_id uuid := auth.uid();
	v_chat jsonb;
	v_session_id uuid;
begin
	if v_user_id is null then
		raise exception 'sign in to import chats' using errcode = '42501';
	end if;
	if jsonb_typeof(p_chats) <> 'array' then
		raise exception 'chats must be an array' using errcode = '22023';
	end if;
	for v_chat in select value from jsonb_array_elements(p_chats) loop
		insert into public.chat_sessions (user_id, title, model, system_prompt, created_at, updated_at)
		values (
			v_user_id,
			v_chat ->> 'title',
			nullif(v_chat ->> 'model', ''),
			nullif(v_chat ->> 'system_prompt', ''),
			coalesce((v_chat ->> 'created_at')::timestamptz, now()),
			coalesce((v_chat ->> 'updated_at')::timestamptz, now())
		)
		returning id into v_session_id;
		insert into public.chat_messages (session_id, user_id, role, content, status, model, created_at)
		select
			v_session_id,
			v_user_id,
			(message ->> 'role')::public.chat_role,
			message ->> 'content',
			'complete',
			nullif(message ->> 'model', ''),
			coalesce((message ->> 'created_at')::timestamptz, now())
		from jsonb_array_elements(coalesce(v_chat -> 'messages', '[]'::jsonb)) with ordinality as list (message, n)
		order by n;
		return next v_session_id;
	end loop;
end;
$$;

revoke all on function public.list_chats(timestamptz, uuid, integer) from public, anon;
revoke all on function public.search_chats(text, integer) from public, anon;
revoke all on function public.create_share(uuid) from public, anon;
revoke all on function public.import_chats(jsonb) from public, anon;
revoke all on function public.get_shared_chat(text) from public;
grant execute on function public.list_chats(timestamptz, uuid, integer) to authenticated;
grant execute on function public.search_chats(text, integer) to authenticated;
grant execute on function public.create_share(uuid) to authenticated;
grant execute on function public.import_chats(jsonb) to authenticated;
grant execute on function public.get_shared_chat(text) to anon, authenticated;
