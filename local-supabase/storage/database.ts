// Every metadata query runs in a transaction as the caller's role with the caller's claims, as
// storage-api does, so the policies on storage.* decide; "superuser" steps run as service_role.
import type { Context } from 'hono';
import type { JWTPayload } from 'jose';
import type { Sql, TransactionSql } from 'postgres';
import type { SigningKey } from '../keys.ts';
import { verifyStackJwt } from '../keys.ts';
import { accessDenied } from './errors.ts';

export interface Caller {
	role: 'anon' | 'authenticated' | 'service_role';
	claims: JWTPayload;
	token: string;
	/** The JWT's `sub`, when it has one. */
	sub: string | undefined;
	/** The request's headers, lower-cased, which policies read as `request.headers`. */
	headers: Record<string, string>;
}

const ROLES = new Set(['anon', 'authenticated', 'service_role']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const uuidOrNull = (value: string | undefined) => (value && UUID.test(value) ? value : null);

export interface StorageDeps {
	sql: Sql;
	signingKeys: SigningKey[];
	jwtSecret: string;
	/** The service role's own caller, for the steps storage-api runs as superuser. */
	service: Caller;
	blobs: import('./blobs.ts').Blobs;
	/** `[storage] file_size_limit`, in bytes. */
	globalSizeLimit: number;
	/** How long a signed upload URL lasts, in seconds (the CLI's 2 hours). */
	signedUploadExpiry: number;
}

function bearer(c: Context): string {
	return (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, '').trim();
}

export async function verifyToken(deps: StorageDeps, token: string): Promise<JWTPayload> {
	// jose's own words for a token that is not three parts, which storage-js's tests expect.
	if (token.split('.').length !== 3) throw new Error('Invalid Compact JWS');
	return verifyStackJwt(token, deps.signingKeys, deps.jwtSecret);
}

function callerFrom(c: Context, claims: JWTPayload, token: string): Caller {
	const role = typeof claims.role === 'string' ? claims.role : 'anon';
	if (!ROLES.has(role)) throw accessDenied(`role ${role} is not allowed here`);
	const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
	return { role: role as Caller['role'], claims, token, sub, headers: c.req.header() };
}

/** The caller of a route that requires a valid JWT; any failure is 403 with jose's message. */
export async function requiredCaller(c: Context, deps: StorageDeps): Promise<Caller> {
	const token = bearer(c);
	const claims = await verifyToken(deps, token).catch((error: unknown) => {
		throw accessDenied(error instanceof Error ? error.message : String(error));
	});
	return callerFrom(c, claims, token);
}

/** Routes where a token is optional: a missing or unusable one makes the caller anon. */
export async function optionalCaller(c: Context, deps: StorageDeps): Promise<Caller | undefined> {
	const token = bearer(c);
	if (!token) return undefined;
	try {
		return callerFrom(c, await verifyToken(deps, token), token);
	} catch {
		return undefined;
	}
}

/** Runs `work` in one transaction as `caller`, with the settings storage-api's scope sets. */
export function asCaller<T>(
	deps: StorageDeps,
	caller: Caller,
	operation: string,
	work: (tx: TransactionSql) => Promise<T>
): Promise<T> {
	return deps.sql.begin(async (tx) => {
		await tx`select
			set_config('role', ${caller.role}, true),
			set_config('request.jwt.claim.role', ${caller.role}, true),
			set_config('request.jwt', ${caller.token}, true),
			set_config('request.jwt.claim.sub', ${caller.sub ?? ''}, true),
			set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
			set_config('request.headers', ${JSON.stringify(caller.headers)}, true),
			set_config('storage.operation', ${operation}, true),
			set_config('storage.allow_delete_query', 'true', true)`;
		return work(tx);
	}) as Promise<T>;
}

class Rollback extends Error {}

/**
 * storage-api's permission probe: the write runs as the caller and is always rolled back, so only
 * the policies' verdict remains. The real row is written later, once the bytes are stored.
 */
export async function probe(
	deps: StorageDeps,
	caller: Caller,
	operation: string,
	work: (tx: TransactionSql) => Promise<unknown>
): Promise<void> {
	try {
		await asCaller(deps, caller, operation, async (tx) => {
			await work(tx);
			throw new Rollback();
		});
	} catch (error) {
		if (!(error instanceof Rollback)) throw error;
	}
}
