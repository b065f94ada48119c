-- The `storage` schema as Supabase's storage-api leaves it after its own migrations: the same
-- tables, columns, helper functions, triggers and grants, so that migrations and policies written
-- against it work on a hosted project too. Idempotent: it runs on every start of the stack, before
-- the project's migrations, as Supabase's image has the schema before any migration runs.

do $$
begin
	if not exists (select from pg_roles where rolname = 'supabase_storage_admin') then
		create role supabase_storage_admin login noinherit createrole password 'postgres';
	end if;
end
$$;
-- The storage server switches to the caller's role inside each transaction.
grant anon, authenticated, service_role to supabase_storage_admin;
alter role supabase_storage_admin set search_path = storage;

create schema if not exists storage authorization supabase_storage_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on sequences to postgres, anon, authenticated, service_role;

set role supabase_storage_admin;

do $$
begin
	if not exists (select from pg_type where typname = 'buckettype' and typnamespace = 'storage'::regnamespace) then
		create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
	end if;
end
$$;

create table if not exists storage.buckets (
	id text primary key,
	name text not null,
	owner uuid,
	owner_id text,
	created_at timestamptz default now(),
	updated_at timestamptz default now(),
	public boolean default false,
	avif_autodetection boolean default false,
	file_size_limit bigint,
	allowed_mime_types text[],
	type storage.buckettype not null default 'STANDARD',
	versioning_status text not null default 'DISABLED' check (versioning_status = 'DISABLED')
);
create unique index if not exists bname on storage.buckets using btree (name);

create table if not exists storage.objects (
	id uuid primary key default gen_random_uuid(),
	bucket_id text,
	name text,
	owner uuid,
	owner_id text,
	created_at timestamptz default now(),
	updated_at timestamptz default now(),
	last_accessed_at timestamptz default now(),
	metadata jsonb,
	path_tokens text[] generated always as (string_to_array(name, '/')) stored,
	version text,
	user_metadata jsonb,
	archived_at timestamptz,
	is_delete_marker boolean not null default false,
	is_versioned boolean not null default false,
	constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
create unique index if not exists bucketid_objname on storage.objects using btree (bucket_id, name);
create index if not exists name_prefix_search on storage.objects using btree (name text_pattern_ops);
create index if not exists idx_objects_bucket_id_name on storage.objects (bucket_id, (name collate "C"));
create index if not exists idx_objects_bucket_id_name_lower on storage.objects (bucket_id, (lower(name) collate "C"));

create table if not exists storage.migrations (
	id integer primary key,
	name varchar(100) unique not null,
	hash varchar(40) not null,
	executed_at timestamp default current_timestamp
);

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.migrations enable row level security;

create or replace function storage.foldername(name text) returns text[]
language plpgsql immutable as $$
declare
	_parts text[];
begin
	select string_to_array(name, '/') into _parts;
	return _parts[1 : array_length(_parts, 1) - 1];
end
$$;

create or replace function storage.filename(name text) returns text
language plpgsql immutable as $$
declare
	_parts text[];
begin
	select string_to_array(name, '/') into _parts;
	return _parts[array_length(_parts, 1)];
end
$$;

create or replace function storage.extension(name text) returns text
language plpgsql immutable as $$
declare
	_parts text[];
	_filename text;
begin
	select string_to_array(name, '/') into _parts;
	select _parts[array_length(_parts, 1)] into _filename;
	return reverse(split_part(reverse(_filename), '.', 1));
end
$$;

create or replace function storage.operation() returns text
language plpgsql stable as $$
begin
	return current_setting('storage.operation', true);
end
$$;

create or replace function storage.get_size_by_bucket() returns table (size bigint, bucket_id text)
language plpgsql stable as $$
begin
	return query
		select sum((metadata ->> 'size')::bigint)::bigint as size, obj.bucket_id
		from storage.objects as obj
		group by obj.bucket_id;
end
$$;

create or replace function storage.update_updated_at_column() returns trigger
language plpgsql as $$
begin
	new.updated_at = now();
	return new;
end
$$;

create or replace function storage.enforce_bucket_name_length() returns trigger
language plpgsql as $$
begin
	if length(new.name) > 100 then
		raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
	end if;
	return new;
end
$$;

-- As on hosted: rows of storage go through the Storage API, which also deletes the bytes.
create or replace function storage.protect_delete() returns trigger
language plpgsql as $$
begin
	if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
		raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
			using hint = 'This prevents accidental data loss from orphaned objects.', errcode = '42501';
	end if;
	return null;
end
$$;

drop trigger if exists update_objects_updated_at on storage.objects;
create trigger update_objects_updated_at before update on storage.objects
	for each row execute function storage.update_updated_at_column();
drop trigger if exists enforce_bucket_name_length_trigger on storage.buckets;
create trigger enforce_bucket_name_length_trigger before insert or update of name on storage.buckets
	for each row execute function storage.enforce_bucket_name_length();
drop trigger if exists protect_objects_delete on storage.objects;
create trigger protect_objects_delete before delete on storage.objects
	for each statement execute function storage.protect_delete();
drop trigger if exists protect_buckets_delete on storage.buckets;
create trigger protect_buckets_delete before delete on storage.buckets
	for each statement execute function storage.protect_delete();

reset role;

grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;
grant all privileges on all tables in schema storage to supabase_storage_admin;
grant execute on all functions in schema storage to postgres, anon, authenticated, service_role;
