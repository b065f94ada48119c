// Shared helpers for the integration tests: clients for the stack under test, and the auth
// server's request log for counting round trips.
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';

export const env = inject('supabaseEnv');
export const url = env.PUBLIC_SUPABASE_URL;
export const publishableKey = env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? env.PUBLIC_SUPABASE_ANON_KEY;
export const serviceRoleKey = env.SUPABASE_SERVICE_ROLE_KEY;
export const anonKey = env.SUPABASE_ANON_KEY ?? env.PUBLIC_SUPABASE_ANON_KEY;
/** Set only for the local stack: tests that read its internals skip elsewhere. */
export const authDirectUrl = env.LOCAL_SUPABASE_AUTH_URL;
export const dbUrl = env.SUPABASE_DB_URL;
/** The legacy HS256 secret, when the stack under test names it (the local one does). */
export const jwtSecret = env.SUPABASE_JWT_SECRET;
export const isLocalStack = Boolean(authDirectUrl);

const clientOptions = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

/**
 * The header the local auth server counts a client's requests apart by, so a test can count its
 * own while other test files run at once (local-supabase/auth/app.ts).
 */
export const REQUEST_TAG_HEADER = 'x-local-request-tag';

export function anonClient(tag?: string): SupabaseClient {
	return createClient(url, publishableKey, {
		...clientOptions,
		global: { headers: tag ? { [REQUEST_TAG_HEADER]: tag } : {} }
	});
}

export function adminClient(): SupabaseClient {
	return createClient(url, serviceRoleKey, clientOptions);
}

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID().slice(0, 8)}@example.com`;
export const PASSWORD = 'correct-horse-battery';

/** A new signed-up user with a live session, on their own client, whose requests carry `tag`. */
export async function signedUpUser(label = 'user') {
	const tag = randomUUID();
	const client = anonClient(tag);
	const email = uniqueEmail(label);
	const { data, error } = await client.auth.signUp({ email, password: PASSWORD });
	if (error || !data.session) throw new Error(`signup failed: ${error?.message}`);
	return { client, email, session: data.session, userId: data.session.user.id, tag };
}

/** Requests the auth server has served so far for clients that carry `tag` (local stack only). */
export async function authRequestCount(tag: string): Promise<number> {
	const response = await fetch(`${authDirectUrl}/_local/requests?tag=${encodeURIComponent(tag)}`);
	const log = (await response.json()) as { total: number };
	return log.total;
}

/** A response whose JSON the tests assert on field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export const fetchJson = (input: string, init?: RequestInit) => fetch(input, init) as Promise<JsonResponse>;

/** GoTrue's HTTP API through the gateway, as auth-js calls it. */
export function authFetch(path: string, init: RequestInit & { versioned?: boolean } = {}): Promise<JsonResponse> {
	const headers = new Headers(init.headers);
	headers.set('apikey', publishableKey);
	if (init.versioned !== false) headers.set('X-Supabase-Api-Version', '2024-01-01');
	if (init.body) headers.set('content-type', 'application/json');
	return fetchJson(`${url}/auth/v1${path}`, { ...init, headers });
}

/**
 * Ends a reply as its writer does: with the reply's writer token, on a client that carries no
 * user token (a person cannot update messages themselves).
 */
export async function finishAsWriter(
	replyId: string,
	writerToken: string,
	content = 'Done.',
	status: 'complete' | 'error' | 'stopped' = 'complete'
): Promise<void> {
	const { data, error } = await anonClient().rpc('finish_reply', {
		p_reply_id: replyId,
		p_writer_token: writerToken,
		p_content: content,
		p_status: status,
		p_model: 'fake-model'
	});
	if (error || data !== true) throw new Error(`finish_reply failed: ${error?.message ?? data}`);
}
