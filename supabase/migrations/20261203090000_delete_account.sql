-- "Delete my account": a person may delete their own auth user, which takes every chat, message
-- and share with it (each references auth.users on delete cascade). GoTrue only lets an admin
-- delete users, so this narrow definer function does it for the caller, and only the caller.
create function public.delete_my_account()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_user_id uuid := auth.uid();
begin
	if v_user_id is null then
		raise exception 'sign in to delete your account' using errcode = '42501';
	end if;
	delete from auth.users where id = v_user_id;
end;
$$;

revoke all on function public.delete_my_account() from public, anon;
grant execute on function public.delete_my_account() to authenticated;
