-- Two-factor sign-in, decided by the database: once a person has a verified second factor, their
-- chats, messages, shares and files are reachable only with a token at aal2 (one that a code
-- raised). A password alone, through the app or through PostgREST directly, reads and writes
-- nothing. As Supabase documents for MFA: restrictive policies, which every permissive policy is
-- ANDed with.

-- Whether this request's token may reach the person's data: always at aal2, and at aal1 only for
-- someone without a verified factor. Definer, to read auth.mfa_factors; plpgsql, so the table is
-- looked up when it runs (GoTrue creates it), not when this is created.
create function private.second_factor_satisfied()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
	if coalesce(auth.jwt() ->> 'aal', '') = 'aal2' then
		return true;
	end if;
	return not exists (
		select 1 from auth.mfa_factors f where f.user_id = (select auth.uid()) and f.status = 'verified'
	);
end;
$$;
revoke all on function private.second_factor_satisfied() from public;
grant execute on function private.second_factor_satisfied() to anon, authenticated;

create function private.require_second_factor()
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
	if not private.second_factor_satisfied() then
		raise exception 'sign in with your second factor first' using errcode = '42501';
	end if;
end;
$$;
revoke all on function private.require_second_factor() from public;
grant execute on function private.require_second_factor() to anon, authenticated;

-- Evaluated once per statement (the subselect), not per row.
create policy "A second factor, once a person has one" on public.chat_sessions
	as restrictive to authenticated
	using ((select private.second_factor_satisfied())) with check ((select private.second_factor_satisfied()));
create policy "A second factor, once a person has one" on public.chat_messages
	as restrictive to authenticated
	using ((select private.second_factor_satisfied())) with check ((select private.second_factor_satisfied()));
create policy "A second factor, once a person has one" on public.chat_shares
	as restrictive to authenticated
	using ((select private.second_factor_satisfied())) with check ((select private.second_factor_satisfied()));
create policy "A second factor, once a person has one" on public.chat_attachments
	as restrictive to authenticated
	using ((select private.second_factor_satisfied())) with check ((select private.second_factor_satisfied()));
create policy "A second factor, once a person has one" on storage.objects
	as restrictive to authenticated
	using ((select private.second_factor_satisfied())) with check ((select private.second_factor_satisfied()));

-- The definer functions that act for auth.uid() read and write past RLS, so each asks first. Each
-- moves to `private` as it is, and a wrapper of the same name and signature takes its place in
-- `public`: it runs as the caller, checks, and calls it. (Search's definer helpers return ids
-- only; the rows behind them are read under RLS.)
do $wrap$
declare
	f record;
	call_args text;
	body text;
begin
	for f in
		select p.oid, n.nspname, p.proname,
			pg_get_function_arguments(p.oid) as args,
			pg_get_function_identity_arguments(p.oid) as identity_args,
			pg_get_function_result(p.oid) as result,
			p.proretset,
			p.proargnames,
			p.proargmodes
		from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		where (n.nspname = 'public' and p.proname in (
				'create_share', 'import_chats', 'regenerate_reply', 'stop_reply', 'select_version',
				'decide_tool_call', 'delete_my_account'
			))
			or (n.nspname = 'private' and p.proname = 'issue_reply_writer')
	loop
		select coalesce(string_agg(quote_ident(name), ', ' order by position), '')
		into call_args
		from unnest(f.proargnames, coalesce(f.proargmodes, array_fill('i'::"char", array[coalesce(cardinality(f.proargnames), 0)])))
			with ordinality as a(name, mode, position)
		where mode in ('i', 'b', 'v');

		if f.nspname = 'public' then
			execute format('alter function public.%I(%s) set schema private', f.proname, f.identity_args);
		else
			execute format('alter function private.%I(%s) rename to %I', f.proname, f.identity_args, f.proname || '_unchecked');
		end if;

		body := case
			when f.proretset then format('return query select * from private.%I(%s);', f.proname || case when f.nspname = 'private' then '_unchecked' else '' end, call_args)
			when f.result = 'void' then format('perform private.%I(%s);', f.proname || case when f.nspname = 'private' then '_unchecked' else '' end, call_args)
			else format('return private.%I(%s);', f.proname || case when f.nspname = 'private' then '_unchecked' else '' end, call_args)
		end;
		execute format(
			'create function %I.%I(%s) returns %s language plpgsql volatile set search_path = '''' as %L',
			f.nspname, f.proname, f.args, f.result,
			'begin perform private.require_second_factor(); ' || body || ' end;'
		);
		execute format('revoke all on function %I.%I(%s) from public, anon', f.nspname, f.proname, f.identity_args);
		execute format('grant execute on function %I.%I(%s) to authenticated', f.nspname, f.proname, f.identity_args);
	end loop;
end;
$wrap$;
