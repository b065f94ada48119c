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
