-- What bootstrap.sql has gained since a checkout's cluster may have been made. bootstrap.sql runs
-- once, on a new cluster; this file runs on every start, so each statement must be idempotent.

-- Email change with double confirmation (GoTrue's secure email change).
alter table auth.users add column if not exists email_change_token_new varchar(255) default '';
alter table auth.users add column if not exists email_change_token_current varchar(255) default '';
alter table auth.users add column if not exists email_change_confirm_status smallint default 0;

-- Reauthentication codes (GET /reauthenticate, then PUT /user with the nonce).
alter table auth.users add column if not exists reauthentication_token varchar(255) default '';
alter table auth.users add column if not exists reauthentication_sent_at timestamptz;

-- As on Supabase's image: the postgres role finds extensions' functions (crypt, gen_salt) unqualified,
-- which seed files written for the CLI rely on.
alter role postgres set search_path to "$user", public, extensions;

-- Multi-factor authentication: GoTrue's tables and types, with the columns GoTrue keeps (a move to
-- hosted Supabase carries the factors with it). This stack's auth server writes TOTP factors.
-- Owned by the auth server's role, as bootstrap.sql's auth tables are.
set role supabase_auth_admin;
do $$ begin
	create type auth.factor_type as enum ('totp', 'webauthn', 'phone');
exception when duplicate_object then null;
end $$;
do $$ begin
	create type auth.factor_status as enum ('unverified', 'verified');
exception when duplicate_object then null;
end $$;

create table if not exists auth.mfa_factors (
	id uuid primary key,
	user_id uuid not null references auth.users (id) on delete cascade,
	friendly_name text,
	factor_type auth.factor_type not null,
	status auth.factor_status not null,
	created_at timestamptz not null,
	updated_at timestamptz not null,
	secret text,
	phone text,
	last_challenged_at timestamptz unique,
	web_authn_credential jsonb,
	web_authn_aaguid uuid,
	last_webauthn_challenge_data jsonb
);
create unique index if not exists mfa_factors_user_friendly_name_unique
	on auth.mfa_factors (friendly_name, user_id) where trim(friendly_name) <> '';
create index if not exists factor_id_created_at_idx on auth.mfa_factors (user_id, created_at);
create index if not exists mfa_factors_user_id_idx on auth.mfa_factors (user_id);

create table if not exists auth.mfa_challenges (
	id uuid primary key,
	factor_id uuid not null references auth.mfa_factors (id) on delete cascade,
	created_at timestamptz not null,
	verified_at timestamptz,
	ip_address inet not null,
	otp_code text,
	web_authn_session_data jsonb
);
create index if not exists mfa_challenge_created_at_idx on auth.mfa_challenges (created_at desc);

create table if not exists auth.mfa_amr_claims (
	session_id uuid not null references auth.sessions (id) on delete cascade,
	created_at timestamptz not null,
	updated_at timestamptz not null,
	authentication_method text not null,
	id uuid not null,
	constraint amr_id_pk primary key (id),
	constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);

-- Passkeys: GoTrue's webauthn_credentials and webauthn_challenges.
create table if not exists auth.webauthn_credentials (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null references auth.users (id) on delete cascade,
	credential_id bytea not null,
	public_key bytea not null,
	attestation_type text not null default '',
	aaguid uuid,
	sign_count bigint not null default 0,
	transports jsonb not null default '[]'::jsonb,
	backup_eligible boolean not null default false,
	backed_up boolean not null default false,
	friendly_name text not null default '',
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	last_used_at timestamptz
);
create unique index if not exists webauthn_credentials_credential_id_key on auth.webauthn_credentials (credential_id);
create index if not exists webauthn_credentials_user_id_idx on auth.webauthn_credentials (user_id);

create table if not exists auth.webauthn_challenges (
	id uuid primary key default gen_random_uuid(),
	user_id uuid references auth.users (id) on delete cascade,
	challenge_type text not null check (challenge_type in ('signup', 'registration', 'authentication')),
	session_data jsonb not null,
	created_at timestamptz not null default now(),
	expires_at timestamptz not null
);
create index if not exists webauthn_challenges_user_id_idx on auth.webauthn_challenges (user_id);
create index if not exists webauthn_challenges_expires_at_idx on auth.webauthn_challenges (expires_at);
reset role;
