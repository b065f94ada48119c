// What every route needs: dependencies, body parsing, bearer checks, password rules.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import bcrypt from 'bcryptjs';
import type { Context } from 'hono';
import type { Sql } from 'postgres';
import { z } from 'zod';
import type { AuthSettings } from '../config.ts';
import { AuthError, badRequest, forbidden } from './errors.ts';
import type { RateLimits } from './rate-limits.ts';
import { findUserWithSession, type UserRow } from './store.ts';
import type { AccessTokenClaims, Tokens } from './tokens.ts';
import type { WrongCodes } from './wrong-codes.ts';

export interface AuthDeps {
	sql: Sql;
	tokens: Tokens;
	settings: AuthSettings;
	/** The app's per-IP buckets; created by createAuthApp. */
	limits: RateLimits;
	/** Wrong codes per user (wrong-codes.ts); created by createAuthApp. */
	wrongCodes: WrongCodes;
}

export const AUDIENCE = 'authenticated';
const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);
const MAX_PASSWORD_BYTES = 72;
// GoTrue's bcrypt cost. Its own test suite hashes at bcrypt's least (QuickHashCost), and so do
// test runs that start this stack with LOCAL_SUPABASE_QUICK_HASH=1 (npm test). A hash carries
// its cost, so either kind of stack checks passwords hashed by the other.
const GOTRUE_BCRYPT_COST = 10;
const BCRYPT_COST = process.env.LOCAL_SUPABASE_QUICK_HASH === '1' ? 4 : GOTRUE_BCRYPT_COST;

/** Optional string fields: auth-js sends null for what it leaves out. */
export const optionalString = z
	.string()
	.nullish()
	.transform((value) => value ?? '');
export const metadata = z.record(z.string(), z.unknown());

/** Reads the body as GoTrue does: any JSON parse or type error is 400 bad_json. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
	const text = await c.req.text();
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw badRequest('bad_json', `Could not parse request body as JSON: ${(error as Error).message}`);
	}
	const parsed = schema.safeParse(value ?? {});
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw badRequest('bad_json', `Could not parse request body as JSON: ${issue.path.join('.')}: ${issue.message}`);
	}
	return parsed.data;
}

// The WHATWG "valid e-mail address" grammar.
const EMAIL_FORMAT =
	/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function validateEmail(email: string): string {
	if (email === '') throw badRequest('validation_failed', 'An email address is required');
	if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long');
	if (!EMAIL_FORMAT.test(email)) {
		throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
	}
	return email.toLowerCase();
}

export const UUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tooLong(password: string): boolean {
	return Buffer.byteLength(password) > MAX_PASSWORD_BYTES;
}

export function assertPasswordLength(password: string): void {
	if (tooLong(password)) {
		throw badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
	}
}

/** GoTrue's strength rule; returns the weak_password payload, or undefined when strong enough. */
export function passwordWeakness(
	settings: AuthSettings,
	password: string
): { message: string; reasons: string[] } | undefined {
	if (Buffer.byteLength(password) >= settings.minimumPasswordLength) return undefined;
	return {
		message: `Password should be at least ${settings.minimumPasswordLength} characters.`,
		reasons: ['length']
	};
}

export function assertPasswordStrength(settings: AuthSettings, password: string): void {
	assertPasswordLength(password);
	const weakness = passwordWeakness(settings, password);
	if (weakness) {
		throw new AuthError(422, 'weak_password', weakness.message, { weak_password: { reasons: weakness.reasons } });
	}
}

export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_COST);

// Compared against when there is no account (or no password), so an unknown email costs the
// same bcrypt round as a wrong password and the timing does not tell which accounts exist. At
// GoTrue's cost always, as the accounts of a stack that hashes quickly may be older than it.
let dummyHash: Promise<string> | undefined;

export async function passwordMatches(user: UserRow | undefined, password: string): Promise<boolean> {
	dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), GOTRUE_BCRYPT_COST);
	const hash = user?.encrypted_password || (await dummyHash);
	const matches = await bcrypt.compare(password, hash);
	return matches && Boolean(user?.encrypted_password) && !tooLong(password);
}

export function clientMeta(c: Context): { userAgent: string | null; ip: string | null } {
	const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? '';
	return { userAgent: c.req.header('user-agent') ?? null, ip: isIP(forwarded) ? forwarded : null };
}

export async function bearerClaims(c: Context, deps: AuthDeps): Promise<AccessTokenClaims> {
	const match = /^[Bb]earer (\S+)$/.exec(c.req.header('authorization') ?? '');
	if (!match) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
	return deps.tokens.verify(match[1]);
}

export interface Authenticated {
	claims: AccessTokenClaims;
	user: UserRow;
	sessionId: string | undefined;
}

/** GoTrue's requireAuthentication: a valid token whose user and session still exist. */
export async function requireUser(c: Context, deps: AuthDeps): Promise<Authenticated> {
	const claims = await bearerClaims(c, deps);
	if (!claims.sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
	if (!UUID_FORMAT.test(claims.sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
	const sessionId = claims.session_id || undefined;
	if (sessionId && !UUID_FORMAT.test(sessionId)) {
		throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
	}
	const found = await findUserWithSession(deps.sql, claims.sub, sessionId);
	if (!found) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
	if (sessionId && !found.sessionExists) {
		throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
	}
	return { claims, user: found.user, sessionId };
}

export async function requireAdmin(c: Context, deps: AuthDeps): Promise<void> {
	const claims = await bearerClaims(c, deps);
	if (!ADMIN_ROLES.has(String(claims.role))) throw forbidden('not_admin', 'User not allowed');
}
