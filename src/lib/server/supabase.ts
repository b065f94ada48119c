// The per-request Supabase client. It reads and writes the session through SvelteKit's cookies,
// so queries carry the visitor's JWT and RLS sees their auth.uid(). There is deliberately no
// module-level client: one would either carry no JWT (the 42501 failure Parley exists to avoid)
// or someone else's. (The reply writer's client is kept, as it acts as no one: see writerClient.)
import { createServerClient } from '@supabase/ssr';
import { PostgrestClient } from '@supabase/postgrest-js';
import { StorageClient } from '@supabase/storage-js';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import type { Database } from '$lib/database.types';
import type { ChatClient } from './chat/types';
import { serverEnv } from './env';

/** Names every auth cookie, chunks included (`sb-parley-auth-token.0`, ...). */
export const AUTH_COOKIE = 'sb-parley-auth-token';

// A session takes one or two chunks of ~3 KB. More than this is junk, and must not make every
// response carry a deletion for each of them.
const MAX_AUTH_CHUNKS = 8;
const AUTH_CHUNK = new RegExp(`^${AUTH_COOKIE}(?:\\.(\\d+))?$`);

// postgrest-js retries a read (GET) that meets a dead PostgREST or a 503 three times, 1, 2 and 4
// seconds apart, unless told not to. A request handler cannot keep a person waiting 7 s for a
// database that is away: the read fails at once, the person gets the outage's message and error
// id, and trying again is theirs to choose. Writes (POST, as every rpc) were never retried.
const DATABASE_RETRIES = false;

function isLocalhost(url: URL): boolean {
	return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/** Tokens live only in these cookies: out of reach of page scripts, not sent on cross-site
 * subrequests, and HTTPS-only wherever the app is not on a developer's own machine. */
export function authCookieOptions(url: URL) {
	return { path: '/', httpOnly: true, sameSite: 'lax', secure: !isLocalhost(url) } as const;
}

/** The request's cookies, with auth chunks past the bound left out. */
function boundedCookies(cookies: Cookies) {
	return cookies.getAll().filter(({ name }) => {
		const chunk = AUTH_CHUNK.exec(name);
		return !chunk?.[1] || Number(chunk[1]) < MAX_AUTH_CHUNKS;
	});
}

export function createRequestClient(event: RequestEvent) {
	const { PUBLIC_SUPABASE_URL, supabaseKey } = serverEnv();
	const cookieOptions = authCookieOptions(event.url);
	const headersSet = new Set<string>();

	return createServerClient<Database>(PUBLIC_SUPABASE_URL, supabaseKey, {
		cookieOptions: { name: AUTH_COOKIE, ...cookieOptions },
		// The session as JSON, which SvelteKit's cookies URI-encode: reading it back is the runtime's
		// own decodeURIComponent, where @supabase/ssr's default (base64url) decodes in JavaScript on
		// every request, about a fifteenth of a page view's CPU in the Worker (bench:profile). A
		// cookie written before in base64url is still read (by its prefix).
		cookieEncoding: 'raw',
		db: { retry: DATABASE_RETRIES },
		// Passkeys are an experimental part of auth-js: its two-step ceremonies run here, on the server.
		auth: { experimental: { passkey: true } },
		cookies: {
			getAll: () => boundedCookies(event.cookies),
			setAll(cookies, headers) {
				for (const { name, value, options } of cookies) {
					event.cookies.set(name, value, { ...options, ...cookieOptions });
				}
				// A response that sets a session must not be cached by a CDN. setAll can run more
				// than once a request (a refresh, then a sign-in), and setHeaders throws on repeats.
				for (const [name, value] of Object.entries(headers ?? {})) {
					if (headersSet.has(name.toLowerCase())) continue;
					headersSet.add(name.toLowerCase());
					event.setHeaders({ [name]: value });
				}
			}
		}
	});
}

/**
 * A client with no session and no cookies: for proving a password (the account page) or a link's
 * code without touching this browser's own session. Any session it gets lives in memory only,
 * for the one call.
 */
export function createSessionlessClient(): SupabaseClient<Database> {
	const { PUBLIC_SUPABASE_URL, supabaseKey } = serverEnv();
	return createClient<Database>(PUBLIC_SUPABASE_URL, supabaseKey, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		db: { retry: DATABASE_RETRIES }
	});
}

/**
 * A client that sends one access token, or none, and cannot change it: the database and Storage
 * alone, with no auth client to touch. supabase-js's own client builds, with each one, a Realtime
 * client it hands the token to, an auth guard, and a fetch wrapper that copies every request's
 * headers to add the same two each time. Parley's server never uses Realtime, and this client is
 * built for every signed-in request: without the rest, bench:ssr measured 0.1 to 0.6 ms less CPU
 * for each one that reads.
 */
function createFixedTokenClient(token: string | null, headers: Record<string, string> = {}): ChatClient {
	const { PUBLIC_SUPABASE_URL, supabaseKey } = serverEnv();
	const sent = { apikey: supabaseKey, Authorization: `Bearer ${token ?? supabaseKey}`, ...headers };
	const base = PUBLIC_SUPABASE_URL.endsWith('/') ? PUBLIC_SUPABASE_URL : `${PUBLIC_SUPABASE_URL}/`;
	const database = new PostgrestClient<Database>(new URL('rest/v1', base).href, {
		headers: sent,
		retry: DATABASE_RETRIES
	});
	let storage: ChatClient['storage'] | undefined;
	return {
		from: database.from.bind(database),
		rpc: database.rpc.bind(database),
		// Built on first use: most requests read no files.
		get storage() {
			return (storage ??= new StorageClient(new URL('storage/v1', base).href, sent));
		}
	};
}

/**
 * A request's data client while its session's access token lives, the token checked already (see
 * access-token.ts): it reads and writes as the person, as the cookie-backed client would, without
 * an auth client. Anything that changes the session goes through `locals.auth` instead.
 */
export const createTokenClient = (token: string): ChatClient => createFixedTokenClient(token);

let keptWriterClient: { project: string; client: ChatClient } | undefined;

/**
 * A client that acts as no one and cannot become anyone: it sends the project's key alone. For a
 * reply's writer, whose credential is the reply's writer token, an argument of each call (see
 * chat/messages.ts). The one client kept beyond a request: it holds no one's token or session, so
 * every reply the isolate writes can share it, and none pays for building one.
 */
export function writerClient(): ChatClient {
	const { PUBLIC_SUPABASE_URL, supabaseKey } = serverEnv();
	const project = `${PUBLIC_SUPABASE_URL} ${supabaseKey}`;
	if (keptWriterClient?.project !== project) keptWriterClient = { project, client: createFixedTokenClient(null) };
	return keptWriterClient.client;
}

/**
 * A share page's client: anonymous, sending the share's token, which the attachments bucket's
 * policy reads to let it fetch that share's files and nothing else.
 */
export const createShareClient = (token: string): ChatClient =>
	createFixedTokenClient(null, { 'x-share-token': token });

/** Removes this visitor's auth cookies without a network call: those that exist, within the bound. */
export function clearAuthCookies(event: RequestEvent): void {
	const options = authCookieOptions(event.url);
	for (const { name } of boundedCookies(event.cookies)) {
		if (name.startsWith(AUTH_COOKIE)) event.cookies.delete(name, options);
	}
}

/** The session cookie, whole or in chunks; PKCE code-verifier cookies do not count. */
export function hasAuthCookies(event: RequestEvent): boolean {
	return boundedCookies(event.cookies).some(({ name }) => AUTH_CHUNK.test(name));
}

/** What the app reads of the session cookie's user: their factors, as GoTrue listed them. */
export interface SessionUser {
	factors?: { id?: string; status?: string; factor_type?: string; created_at?: string }[] | null;
}

/** What the app reads of the session in the cookies, as auth-js stored it. Nothing in it is
 * trusted before its access token's signature is checked (see access-token.ts). */
interface StoredSession {
	access_token?: unknown;
	expires_at?: unknown;
	user?: SessionUser;
}

/** The session in the cookies, whole or in chunks, as auth-js wrote it; null when there is none. */
export function storedSession(event: RequestEvent): StoredSession | null {
	const chunks = boundedCookies(event.cookies)
		.map(({ name, value }) => ({ index: AUTH_CHUNK.exec(name), value }))
		.filter((chunk): chunk is { index: RegExpExecArray; value: string } => chunk.index !== null);
	if (chunks.length === 0) return null;
	const whole = chunks.find((chunk) => chunk.index[1] === undefined);
	const raw = whole
		? whole.value
		: chunks
				.sort((a, b) => Number(a.index[1]) - Number(b.index[1]))
				.map((chunk) => chunk.value)
				.join('');
	try {
		const json = raw.startsWith('base64-') ? Buffer.from(raw.slice(7), 'base64url').toString('utf8') : raw;
		const session: unknown = JSON.parse(json);
		return session && typeof session === 'object' ? (session as StoredSession) : null;
	} catch {
		return null;
	}
}

/**
 * The user the session in the cookies names, as GoTrue showed them (their factors included). Read
 * from the cookie here, not through auth-js's getSession(), whose user warns on every read on a
 * server; the token's signature was checked already (see auth.ts), and this only decides where the
 * page sends the person and what it offers them: the database refuses a token below aal2 on its
 * own (see the second_factor migration).
 */
export const sessionUser = (event: RequestEvent): SessionUser | null => storedSession(event)?.user ?? null;
