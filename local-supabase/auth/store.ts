// Storage for the auth server: the real auth.* tables. Every function takes the connection first.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';

export type Db = Sql | TransactionSql;

export interface IdentityRow {
	id: string;
	provider_id: string;
	user_id: string;
	identity_data: Record<string, unknown>;
	provider: string;
	last_sign_in_at: string | null;
	created_at: string;
	updated_at: string;
	email: string | null;
}

export interface UserRow {
	id: string;
	aud: string;
	role: string;
	email: string | null;
	phone: string | null;
	encrypted_password: string | null;
	email_confirmed_at: Date | null;
	phone_confirmed_at: Date | null;
	confirmed_at: Date | null;
	confirmation_sent_at: Date | null;
	recovery_sent_at: Date | null;
	email_change: string | null;
	email_change_sent_at: Date | null;
	email_change_token_new: string | null;
	email_change_token_current: string | null;
	email_change_confirm_status: number | null;
	reauthentication_token: string | null;
	reauthentication_sent_at: Date | null;
	invited_at: Date | null;
	last_sign_in_at: Date | null;
	raw_app_meta_data: Record<string, unknown> | null;
	raw_user_meta_data: Record<string, unknown> | null;
	created_at: Date;
	updated_at: Date;
	banned_until: Date | null;
	deleted_at: Date | null;
	is_anonymous: boolean;
	identities: IdentityRow[];
	factors: FactorJson[];
}

/** A factor as GoTrue shows it with its user. */
export interface FactorJson {
	id: string;
	friendly_name: string | null;
	factor_type: 'totp' | 'webauthn' | 'phone';
	status: 'unverified' | 'verified';
	created_at: string;
	updated_at: string;
	last_challenged_at: string | null;
}

/** A method a session was proven with beyond its sign-in (auth.mfa_amr_claims), for the amr claim. */
export interface AmrClaim {
	method: string;
	/** Unix seconds. */
	timestamp: number;
}

export interface SessionRow {
	id: string;
	user_id: string;
	created_at: Date;
	aal: 'aal1' | 'aal2';
	/** The session's second factors, as auth.mfa_amr_claims keeps them. */
	mfa: AmrClaim[];
}

export interface RefreshTokenRow {
	id: string;
	token: string;
	session_id: string | null;
	parent: string | null;
	revoked: boolean;
	updated_at: Date;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 12 random lowercase base32 characters, like GoTrue's refresh tokens. */
function newRefreshToken(): string {
	return Array.from(randomBytes(12), (byte) => BASE32[byte & 31]).join('');
}

function userQuery(db: Db) {
	return db`
		select u.*, coalesce(
			(select json_agg(i order by i.created_at) from auth.identities i where i.user_id = u.id),
			'[]'
		) as identities, coalesce(
			(select json_agg(json_build_object(
				'id', f.id, 'friendly_name', f.friendly_name, 'factor_type', f.factor_type, 'status', f.status,
				'created_at', f.created_at, 'updated_at', f.updated_at, 'last_challenged_at', f.last_challenged_at
			) order by f.created_at) from auth.mfa_factors f where f.user_id = u.id),
			'[]'
		) as factors
		from auth.users u`;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
	const [user] = await db<UserRow[]>`${userQuery(db)} where u.id = ${id}`;
	return user;
}

export async function findUserByEmail(db: Db, email: string, aud: string): Promise<UserRow | undefined> {
	const [user] = await db<UserRow[]>`
		${userQuery(db)}
		where lower(u.email) = lower(${email}) and u.aud = ${aud} and not u.is_sso_user`;
	return user;
}

/** The user of an access token, and whether its session still exists, in one round trip. */
export async function findUserWithSession(
	db: Db,
	userId: string,
	sessionId: string | undefined
): Promise<{ user: UserRow; sessionExists: boolean } | undefined> {
	const [row] = await db<(UserRow & { session_exists: boolean })[]>`
		select q.*, exists(
			select 1 from auth.sessions s where s.id = ${sessionId ?? null}::uuid and s.user_id = q.id
		) as session_exists
		from (${userQuery(db)} where u.id = ${userId}) q`;
	if (!row) return undefined;
	const { session_exists: sessionExists, ...user } = row;
	return { user, sessionExists };
}

export interface NewUser {
	email: string;
	encryptedPassword: string;
	aud: string;
	role: string;
	userMetadata: Record<string, unknown>;
	appMetadata: Record<string, unknown>;
	confirmed: boolean;
	confirmationSentAt: boolean;
}

/** Inserts a user and its email identity, as GoTrue's signup and admin create do. */
export async function createEmailUser(db: Db, input: NewUser): Promise<string> {
	const id = randomUUID();
	const userMetadata = input.confirmed ? { ...input.userMetadata, email_verified: true } : input.userMetadata;
	const identityData: Record<string, unknown> = {
		sub: id,
		email: input.email,
		email_verified: false,
		phone_verified: false
	};
	for (const [key, value] of Object.entries(input.userMetadata)) {
		if (!(key in identityData)) identityData[key] = value;
	}
	await db`
		with new_user as (
			insert into auth.users (
				instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
				confirmation_sent_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
				is_super_admin, is_anonymous
			) values (
				'00000000-0000-0000-0000-000000000000', ${id}, ${input.aud}, ${input.role}, ${input.email},
				${input.encryptedPassword}, ${input.confirmed ? db`now()` : null},
				${input.confirmationSentAt ? db`now()` : null},
				${db.json(input.appMetadata as never)}, ${db.json(userMetadata as never)}, now(), now(),
				false, false
			) returning id
		)
		insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
		select id::text, id, ${db.json(identityData as never)}, 'email', now(), now(), now() from new_user`;
	return id;
}

/** An anonymous user: no email, no password, no identity, and empty app_metadata, as GoTrue makes one. */
export async function createAnonymousUser(
	db: Db,
	input: { aud: string; role: string; userMetadata: Record<string, unknown> }
): Promise<string> {
	const id = randomUUID();
	await db`
		insert into auth.users (
			instance_id, id, aud, role, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
			is_super_admin, is_anonymous
		) values (
			'00000000-0000-0000-0000-000000000000', ${id}, ${input.aud}, ${input.role}, '{}'::jsonb,
			${db.json(input.userMetadata as never)}, now(), now(), false, true
		)`;
	return id;
}

export async function deleteUser(db: Db, id: string): Promise<void> {
	await db`delete from auth.users where id = ${id}`;
}

export async function listUsers(
	db: Db,
	aud: string,
	page: number,
	perPage: number
): Promise<{ users: UserRow[]; total: number }> {
	const offset = (page - 1) * perPage;
	const [users, [{ total }]] = await Promise.all([
		db<UserRow[]>`${userQuery(db)} where u.aud = ${aud} order by u.created_at desc limit ${perPage} offset ${offset}`,
		db<{ total: number }[]>`select count(*)::int as total from auth.users where aud = ${aud}`
	]);
	return { users, total };
}

/** Opens a session with its first refresh token, and stamps the sign-in. */
export async function createSession(
	db: Db,
	userId: string,
	meta: { userAgent: string | null; ip: string | null }
): Promise<{ session: SessionRow; refreshToken: string }> {
	const sessionId = randomUUID();
	const token = newRefreshToken();
	const [session] = await db<SessionRow[]>`
		with stamp as (
			update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${userId}
		), identity as (
			update auth.identities set last_sign_in_at = now() where user_id = ${userId} and provider = 'email'
		), token as (
			insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
			values ('00000000-0000-0000-0000-000000000000', ${token}, ${userId}, false, now(), now(), null, ${sessionId})
		)
		insert into auth.sessions (id, user_id, created_at, updated_at, aal, refreshed_at, user_agent, ip)
		values (${sessionId}, ${userId}, now(), now(), 'aal1', null, ${meta.userAgent}, ${meta.ip}::inet)
		returning id, user_id, created_at, aal, '[]'::json as mfa`;
	return { session, refreshToken: token };
}

/** A session's second factors (auth.mfa_amr_claims), as JSON, for a query whose session is `alias`. */
export const sessionMfa = (db: Db, alias: string) => db`
	coalesce((
		select json_agg(json_build_object(
			'method', c.authentication_method, 'timestamp', extract(epoch from c.updated_at)::bigint
		))
		from auth.mfa_amr_claims c where c.session_id = ${db(alias)}.id
	), '[]'::json)`;

/** Locks a refresh token row for the rest of the transaction. */
export async function lockRefreshToken(
	db: Db,
	token: string
): Promise<(RefreshTokenRow & { session: SessionRow | null; user_id: string }) | undefined> {
	const [row] = await db<
		(RefreshTokenRow & {
			user_id: string;
			s_id: string | null;
			s_created_at: Date | null;
			s_aal: SessionRow['aal'] | null;
			s_mfa: AmrClaim[];
		})[]
	>`
		select rt.id, rt.token, rt.session_id, rt.parent, rt.revoked, rt.updated_at, rt.user_id,
			s.id as s_id, s.created_at as s_created_at, s.aal as s_aal, ${sessionMfa(db, 's')} as s_mfa
		from auth.refresh_tokens rt left join auth.sessions s on s.id = rt.session_id
		where rt.token = ${token}
		for update of rt`;
	if (!row) return undefined;
	const { s_id, s_created_at, s_aal, s_mfa, ...rest } = row;
	const session =
		s_id && s_created_at
			? { id: s_id, user_id: row.user_id, created_at: s_created_at, aal: s_aal ?? 'aal1', mfa: s_mfa }
			: null;
	return { ...rest, session };
}

export async function deleteRefreshToken(db: Db, id: string): Promise<void> {
	await db`delete from auth.refresh_tokens where id = ${id}`;
}

export async function activeRefreshToken(db: Db, sessionId: string): Promise<RefreshTokenRow | undefined> {
	const [row] = await db<RefreshTokenRow[]>`
		select id, token, session_id, parent, revoked, updated_at from auth.refresh_tokens
		where session_id = ${sessionId} and not revoked order by id desc limit 1`;
	return row;
}

export async function revokeSessionTokens(db: Db, sessionId: string): Promise<void> {
	await db`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = ${sessionId}`;
}

/** Revokes a token and issues its child in the same session. */
export async function rotateRefreshToken(db: Db, parent: RefreshTokenRow & { user_id: string }): Promise<string> {
	const token = newRefreshToken();
	await db`
		with revoke as (
			update auth.refresh_tokens set revoked = true, updated_at = now()
			where id = ${parent.id} and not revoked
		)
		insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
		values ('00000000-0000-0000-0000-000000000000', ${token}, ${parent.user_id}, false, now(), now(), ${parent.token}, ${parent.session_id})`;
	return token;
}

export async function touchSession(
	db: Db,
	sessionId: string,
	meta: { userAgent: string | null; ip: string | null }
): Promise<void> {
	await db`
		update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now(),
			user_agent = ${meta.userAgent}, ip = ${meta.ip}::inet
		where id = ${sessionId}`;
}

export type LogoutScope = 'global' | 'local' | 'others';

export async function deleteSessions(db: Db, userId: string, sessionId: string, scope: LogoutScope): Promise<void> {
	if (scope === 'local') await db`delete from auth.sessions where id = ${sessionId}`;
	else if (scope === 'others') await db`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
	else await db`delete from auth.sessions where user_id = ${userId}`;
}

export async function updatePassword(
	db: Db,
	userId: string,
	encryptedPassword: string,
	keepSessionId: string | undefined
): Promise<void> {
	await db`
		with other_sessions as (
			delete from auth.sessions where user_id = ${userId} and id is distinct from ${keepSessionId ?? null}::uuid
		)
		update auth.users set encrypted_password = ${encryptedPassword}, updated_at = now() where id = ${userId}`;
}

/** Merges keys into user_metadata; a null value removes its key, as GoTrue does. */
export async function mergeUserMetadata(db: Db, userId: string, data: Record<string, unknown>): Promise<void> {
	const removed = Object.keys(data).filter((key) => data[key] === null);
	const added = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null));
	await db`
		update auth.users
		set raw_user_meta_data = (coalesce(raw_user_meta_data, '{}'::jsonb) || ${db.json(added as never)}) - ${removed}::text[],
			updated_at = now()
		where id = ${userId}`;
}

/** A pending email change and its link tokens: the new address's, and the current one's when both must confirm. */
export async function requestEmailChange(
	db: Db,
	userId: string,
	change: { email: string; tokenNew: string; tokenCurrent: string }
): Promise<void> {
	await db`
		update auth.users set email_change = ${change.email}, email_change_token_new = ${change.tokenNew},
			email_change_token_current = ${change.tokenCurrent}, email_change_confirm_status = 0,
			email_change_sent_at = now(), updated_at = now()
		where id = ${userId}`;
}

/**
 * Spends one of an email change's tokens. With both addresses to confirm, the first spent token
 * leaves the change waiting for the other ('half'); the last applies it ('done'): the new address
 * becomes the user's, confirmed, on the user and its email identity.
 */
export async function takeEmailChangeToken(
	sql: Sql,
	tokenHash: string,
	expirySeconds: number
): Promise<{ userId: string; outcome: 'half' | 'done' } | undefined> {
	if (!tokenHash) return undefined;
	return sql.begin(async (tx) => {
		const [user] = await tx<{ id: string; email_change: string; new: boolean; other: string }[]>`
			select id, email_change, email_change_token_new = ${tokenHash} as new,
				case when email_change_token_new = ${tokenHash} then email_change_token_current
					else email_change_token_new end as other
			from auth.users
			where ${tokenHash} in (email_change_token_new, email_change_token_current)
				and email_change <> ''
				and email_change_sent_at > now() - make_interval(secs => ${expirySeconds})
			for update`;
		if (!user) return undefined;
		if (user.other) {
			await tx`
				update auth.users set email_change_confirm_status = 1, updated_at = now(),
					email_change_token_new = case when ${user.new} then '' else email_change_token_new end,
					email_change_token_current = case when ${user.new} then email_change_token_current else '' end
				where id = ${user.id}`;
			return { userId: user.id, outcome: 'half' as const };
		}
		// A guest's first address also gives them an email identity, as a signup would.
		await tx`
			with changed as (
				update auth.users set email = email_change, email_change = '', email_change_token_new = '',
					email_change_token_current = '', email_change_confirm_status = 0,
					email_confirmed_at = coalesce(email_confirmed_at, now()), is_anonymous = false, updated_at = now(),
					raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb) || jsonb_build_object(
						'provider', coalesce(raw_app_meta_data ->> 'provider', 'email'),
						'providers', coalesce(raw_app_meta_data -> 'providers', '["email"]'::jsonb)
					)
				where id = ${user.id}
				returning id, email
			), updated as (
				update auth.identities i
				set identity_data = i.identity_data || jsonb_build_object('email', changed.email, 'email_verified', true),
					updated_at = now()
				from changed where i.user_id = changed.id and i.provider = 'email'
				returning i.user_id
			)
			insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
			select changed.id::text, changed.id,
				jsonb_build_object('sub', changed.id::text, 'email', changed.email, 'email_verified', true, 'phone_verified', false),
				'email', now(), now(), now()
			from changed where not exists (select 1 from updated)`;
		return { userId: user.id, outcome: 'done' as const };
	});
}

/** Marks a user invited (the invite's link is its confirmation token). */
export async function markInvited(db: Db, userId: string): Promise<void> {
	await db`update auth.users set invited_at = now(), updated_at = now() where id = ${userId}`;
}

/** A confirmed email for an anonymous user, with its email identity: the guest becomes a member. */
export async function adoptEmail(db: Db, userId: string, email: string): Promise<void> {
	const identityData = { sub: userId, email, email_verified: true, phone_verified: false };
	await db`
		with adopted as (
			update auth.users set email = ${email}, email_confirmed_at = now(), is_anonymous = false,
				updated_at = now(),
				raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb)
					|| jsonb_build_object(
						'provider', coalesce(raw_app_meta_data ->> 'provider', 'email'),
						'providers', '["email"]'::jsonb
					)
			where id = ${userId}
			returning id
		)
		insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
		select id::text, id, ${db.json(identityData as never)}, 'email', now(), now(), now() from adopted`;
}

export async function confirmEmail(db: Db, userId: string): Promise<void> {
	await db`
		update auth.users set email_confirmed_at = now(), updated_at = now(),
			raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'
		where id = ${userId}`;
}

export interface AdminUserChanges {
	email?: string;
	encryptedPassword?: string;
	confirmEmail?: boolean;
	userMetadata?: Record<string, unknown>;
	appMetadata?: Record<string, unknown>;
	/** null lifts a ban. */
	bannedUntil?: Date | null;
	role?: string;
}

/** The admin's update of a user, in one statement: metadata merged, as GoTrue merges it. */
export async function updateUserByAdmin(db: Db, userId: string, changes: AdminUserChanges): Promise<void> {
	const merge = (column: 'raw_user_meta_data' | 'raw_app_meta_data', data: Record<string, unknown> | undefined) => {
		if (!data) return db`${db(column)}`;
		const removed = Object.keys(data).filter((key) => data[key] === null);
		const added = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null));
		return db`(coalesce(${db(column)}, '{}'::jsonb) || ${db.json(added as never)}) - ${removed}::text[]`;
	};
	await db`
		with identity as (
			update auth.identities
			set identity_data = identity_data || jsonb_build_object('email', ${changes.email ?? null}::text),
				updated_at = now()
			where user_id = ${userId} and provider = 'email' and ${changes.email !== undefined}
		)
		update auth.users set
			email = coalesce(${changes.email ?? null}, email),
			encrypted_password = coalesce(${changes.encryptedPassword ?? null}, encrypted_password),
			email_confirmed_at = case when ${changes.confirmEmail === true} then coalesce(email_confirmed_at, now())
				else email_confirmed_at end,
			raw_user_meta_data = ${merge('raw_user_meta_data', changes.userMetadata)}
				|| case when ${changes.confirmEmail === true} then '{"email_verified": true}'::jsonb else '{}'::jsonb end,
			raw_app_meta_data = ${merge('raw_app_meta_data', changes.appMetadata)},
			banned_until = case when ${changes.bannedUntil !== undefined} then ${changes.bannedUntil ?? null}::timestamptz
				else banned_until end,
			role = coalesce(${changes.role ?? null}, role),
			updated_at = now()
		where id = ${userId}`;
}

/** A reauthentication code's hash, replacing any earlier one. */
export async function setReauthenticationToken(db: Db, userId: string, tokenHash: string): Promise<void> {
	await db`
		update auth.users set reauthentication_token = ${tokenHash}, reauthentication_sent_at = now(), updated_at = now()
		where id = ${userId}`;
}

/** Spends the user's reauthentication code if it is this one and still within the expiry. */
export async function takeReauthenticationToken(
	db: Db,
	userId: string,
	tokenHash: string,
	expirySeconds: number
): Promise<boolean> {
	const spent = await db`
		update auth.users set reauthentication_token = '', updated_at = now()
		where id = ${userId} and reauthentication_token = ${tokenHash} and ${tokenHash} <> ''
			and reauthentication_sent_at > now() - make_interval(secs => ${expirySeconds})
		returning id`;
	return spent.length > 0;
}

/** The one-time token columns of auth.users. */
export type TokenColumn =
	'recovery_token' | 'confirmation_token' | 'email_change_token_new' | 'email_change_token_current';

/**
 * The tokens a user holds in these columns, for a code sent to this address (the account's own,
 * or the new address of a pending email change); undefined when none is outstanding.
 */
export async function outstandingTokens(
	db: Db,
	email: string,
	columns: TokenColumn[]
): Promise<{ userId: string; tokens: string[] } | undefined> {
	const [row] = await db<{ id: string; tokens: string[] }[]>`
		select id, array[${db.unsafe(columns.map((column) => `coalesce(${column}, '')`).join(', '))}] as tokens
		from auth.users
		where lower(email) = lower(${email}) or lower(email_change) = lower(${email})
		order by lower(email) = lower(${email}) desc
		limit 1`;
	if (!row || row.tokens.every((token) => !token)) return undefined;
	return { userId: row.id, tokens: row.tokens };
}

/** Spends a user's tokens in these columns: no code or link of theirs works until the next mail. */
export async function clearTokens(db: Db, userId: string, columns: TokenColumn[]): Promise<void> {
	const assignments = columns.map((column) => `${column} = ''`).join(', ');
	await db`update auth.users set ${db.unsafe(assignments)}, updated_at = now() where id = ${userId}`;
}

const LINK_COLUMNS = {
	recovery: { token: 'recovery_token', sentAt: 'recovery_sent_at' },
	confirmation: { token: 'confirmation_token', sentAt: 'confirmation_sent_at' }
} as const;

/** Records a mailed link's token hash (single use; it replaces any earlier one of its kind). */
export async function setLinkToken(
	db: Db,
	userId: string,
	kind: keyof typeof LINK_COLUMNS,
	tokenHash: string
): Promise<void> {
	const { token, sentAt } = LINK_COLUMNS[kind];
	await db`
		update auth.users set ${db(token)} = ${tokenHash}, ${db(sentAt)} = now(), updated_at = now()
		where id = ${userId}`;
}

/**
 * Spends a link's token hash: at most one caller gets the user id back, and only within the
 * expiry. Following either link confirms the address, as it proves the person reads its mail.
 */
export async function takeLinkToken(
	db: Db,
	kind: keyof typeof LINK_COLUMNS,
	tokenHash: string,
	expirySeconds: number
): Promise<string | undefined> {
	if (!tokenHash) return undefined;
	const { token, sentAt } = LINK_COLUMNS[kind];
	const [row] = await db<{ id: string }[]>`
		with spent as (
			update auth.users
			set ${db(token)} = '', email_confirmed_at = coalesce(email_confirmed_at, now()),
				raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}',
				updated_at = now()
			where ${db(token)} = ${tokenHash}
				and ${db(sentAt)} > now() - make_interval(secs => ${expirySeconds})
			returning id
		), identity as (
			update auth.identities i set identity_data = i.identity_data || '{"email_verified": true}', updated_at = now()
			from spent where i.user_id = spent.id and i.provider = 'email'
		)
		select id from spent`;
	return row?.id;
}
