// An ordinary request's session, checked without an auth client. auth-js's getClaims() makes the
// same check, but through an auth client built for the request, which reads the session under its
// lock and imports the key again every time; every signed-in request paid for that, and then sent
// its queries through the same client, which asked for the session again before each one. Here
// the keys are imported once an isolate, and a request whose token is live and signed by one of
// them is answered with its claims (and, in the hook, a client that sends that token). Any other
// case (no session, a token near its end, a key not known, a bad signature) is left to auth-js,
// which refreshes, fetches the keys itself or drops the session, as before.
import type { RequestEvent } from '@sveltejs/kit';
import { serverEnv } from './env';
import { storedSession, type SessionUser } from './supabase';

export interface AccessClaims {
	sub: string;
	email?: unknown;
	is_anonymous?: unknown;
	aal?: unknown;
	exp: number;
}

export interface VerifiedAccess {
	token: string;
	claims: Readonly<AccessClaims>;
	/** The session's user as GoTrue showed them (their factors), read from the same cookie. */
	user: SessionUser | null;
}

// auth-js refreshes a session this close to its end (EXPIRY_MARGIN_MS); so does the fallback.
const REFRESH_MARGIN_MS = 90_000;
// As long as auth-js keeps the key set (JWKS_TTL): a key rotated out stops counting after this.
const KEYS_TTL_MS = 10 * 60_000;

const ALGORITHMS: Record<string, RsaHashedImportParams | EcKeyImportParams> = {
	RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
	ES256: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
};
const VERIFY_PARAMS: Record<string, AlgorithmIdentifier | EcdsaParams> = {
	RS256: 'RSASSA-PKCS1-v1_5',
	ES256: { name: 'ECDSA', hash: 'SHA-256' }
};

/** Keys by `kid`, each imported for its own algorithm. */
export type SigningKeys = Map<string, { alg: string; key: CryptoKey }>;

/**
 * A project's public signing keys, from its auth server's JWKS, imported once and fetched again
 * after KEYS_TTL_MS: the same for everyone, and no one's secret.
 */
export function signingKeysOf(supabaseUrl: string, apikey: string): () => Promise<SigningKeys | null> {
	let held: { keys: SigningKeys; fetchedAt: number } | null = null;
	let fetching: Promise<SigningKeys | null> | null = null;

	async function fetchKeys(): Promise<SigningKeys | null> {
		const response = await fetch(`${supabaseUrl}/auth/v1/.well-known/jwks.json`, { headers: { apikey } });
		if (!response.ok) return null;
		const { keys = [] } = (await response.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
		const imported: SigningKeys = new Map();
		for (const jwk of keys) {
			const algorithm = jwk.alg && ALGORITHMS[jwk.alg];
			if (!jwk.kid || !jwk.alg || !algorithm) continue;
			imported.set(jwk.kid, {
				alg: jwk.alg,
				key: await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['verify'])
			});
		}
		held = { keys: imported, fetchedAt: Date.now() };
		return imported;
	}

	return () => {
		if (held && Date.now() - held.fetchedAt < KEYS_TTL_MS) return Promise.resolve(held.keys);
		// One fetch at a time; a failed one is tried again by the next request.
		fetching ??= fetchKeys()
			.catch(() => null)
			.finally(() => (fetching = null));
		return fetching;
	};
}

let projectKeys: (() => Promise<SigningKeys | null>) | undefined;

function currentProjectKeys(): Promise<SigningKeys | null> {
	if (!projectKeys) {
		const { PUBLIC_SUPABASE_URL, supabaseKey } = serverEnv();
		projectKeys = signingKeysOf(PUBLIC_SUPABASE_URL, supabaseKey);
	}
	return projectKeys();
}

const encoder = new TextEncoder();

const jsonPart = (text: string): Record<string, unknown> => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));

const lastsPastMargin = (exp: number, expiresAt: number | undefined) =>
	Math.min(exp, expiresAt ?? Infinity) * 1000 - Date.now() >= REFRESH_MARGIN_MS;

// Tokens whose signature checked out, with the key that checked it: a person sends the same token
// with every request for its hour, and its signature cannot change, so it is decoded and checked
// once an isolate rather than every time. An entry counts only while the key set still holds that
// very key (keys fetched again after a rotation check the token anew); the token's life is
// checked on every request. The oldest entries go first.
const VERIFIED_MAX = 1000;
const verified = new Map<string, { claims: Readonly<AccessClaims>; kid: string; key: CryptoKey }>();

function rememberVerified(token: string, entry: { claims: Readonly<AccessClaims>; kid: string; key: CryptoKey }) {
	verified.set(token, entry);
	if (verified.size > VERIFIED_MAX) verified.delete(verified.keys().next().value!);
}

/**
 * The token's claims if it is signed by one of the keys and lives on for more than the refresh
 * margin (as does the session it came in, `expiresAt`, when given); else null. The claims are
 * shared by every request with the same token: read them, do not change them.
 */
export async function verifyAccessToken(
	token: string,
	keys: () => Promise<SigningKeys | null> = currentProjectKeys,
	expiresAt?: number
): Promise<Readonly<AccessClaims> | null> {
	const known = verified.get(token);
	if (known) {
		if (!lastsPastMargin(known.claims.exp, expiresAt)) return null;
		if ((await keys())?.get(known.kid)?.key === known.key) return known.claims;
		verified.delete(token);
	}
	const parts = token.split('.');
	if (parts.length !== 3) return null;
	try {
		const header = jsonPart(parts[0]);
		const claims = jsonPart(parts[1]);
		if (typeof header.kid !== 'string' || typeof header.alg !== 'string') return null;
		if (typeof claims.sub !== 'string' || claims.sub === '' || typeof claims.exp !== 'number') return null;
		if (!lastsPastMargin(claims.exp, expiresAt)) return null;
		const signing = (await keys())?.get(header.kid);
		if (!signing || signing.alg !== header.alg) return null;
		const signed = encoder.encode(`${parts[0]}.${parts[1]}`);
		const valid = await crypto.subtle.verify(
			VERIFY_PARAMS[header.alg],
			signing.key,
			Buffer.from(parts[2], 'base64url'),
			signed
		);
		if (!valid) return null;
		const checked = Object.freeze(claims as unknown as AccessClaims);
		rememberVerified(token, { claims: checked, kid: header.kid, key: signing.key });
		return checked;
	} catch {
		return null;
	}
}

/** The request's live access token and its claims, or null when auth-js must have a look. */
export async function verifiedAccess(event: RequestEvent): Promise<VerifiedAccess | null> {
	const session = storedSession(event);
	const token = session?.access_token;
	if (typeof token !== 'string') return null;
	// auth-js refreshes by the session's own expires_at: so does this, by declining.
	const expiresAt = typeof session?.expires_at === 'number' ? session.expires_at : undefined;
	const claims = await verifyAccessToken(token, currentProjectKeys, expiresAt);
	return claims && { token, claims, user: session?.user ?? null };
}
