-- Guests (anonymous sign-ins) who stop coming back are deleted with their chats after 30 days.
-- "Unused" means no sign-in, no session refreshed and no chat written for that long; a guest who
-- made an account is a member and is never purged. See docs/guests.md.

create function private.purge_stale_guests(p_unused_for interval default interval '30 days')
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_purged integer;
begin
	with stale as (
		select u.id
		from auth.users u
		where u.is_anonymous
			and greatest(u.created_at, u.last_sign_in_at) < now() - p_unused_for
			and not exists (
				select 1 from auth.sessions s
				-- GoTrue writes refreshed_at as UTC without a time zone.
				where s.user_id = u.id
					and greatest(s.created_at, s.updated_at, s.refreshed_at at time zone 'utc') >= now() - p_unused_for
			)
			and not exists (
				select 1 from public.chat_sessions c
				where c.user_id = u.id and c.updated_at >= now() - p_unused_for
			)
	)
	delete from auth.users u using stale where u.id = stale.id;
	get diagnostics v_purged = row_count;
	return v_purged;
end;
$$;

revoke all on function private.purge_stale_guests(interval) from public, anon, authenticated;

-- Daily at 03:17 UTC where pg_cron is there to run it (a hosted project, or `supabase start`).
-- The Docker-free local stack has no pg_cron; run the function by hand there if you need it.
do $$
begin
	if exists (select 1 from pg_available_extensions where name = 'pg_cron') then
		create extension if not exists pg_cron;
		perform cron.schedule('parley-purge-stale-guests', '17 3 * * *', 'select private.purge_stale_guests()');
	end if;
exception when others then
	raise notice 'guest purge not scheduled: %', sqlerrm;
end;
$$;
