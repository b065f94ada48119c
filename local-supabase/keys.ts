// The stack's keys: the signing JWKs for access tokens, and the API keys clients send as `apikey`.
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
	SignJWT,
	decodeProtectedHeader,
	exportJWK,
	generateKeyPair,
	importJWK,
	jwtVerify,
	type JWK,
	type JWTPayload
} from 'jose';
import { ConfigError, type StackConfig } from './config.ts';

export type SigningAlg = 'ES256' | 'RS256';

export interface SigningKey {
	kid: string;
	alg: SigningAlg;
	privateKey: CryptoKey;
	publicKey: CryptoKey;
	/** The public half as served on /.well-known/jwks.json. */
	publicJwk: JWK;
}

export interface ApiKeys {
	anon: string;
	serviceRole: string;
	publishable: string;
	secret: string;
}

const PUBLIC_FIELDS: Record<SigningAlg, readonly string[]> = {
	ES256: ['kty', 'crv', 'x', 'y'],
	RS256: ['kty', 'n', 'e']
};

async function toSigningKey(jwk: JWK, source: string): Promise<SigningKey> {
	const alg = jwk.alg as SigningAlg;
	if (alg !== 'ES256' && alg !== 'RS256') {
		throw new ConfigError(`${source}: each key needs "alg" ES256 or RS256, got ${JSON.stringify(alg)}`);
	}
	if (typeof jwk.kid !== 'string' || jwk.kid === '') {
		throw new ConfigError(`${source}: each key needs a "kid"`);
	}
	if (typeof jwk.d !== 'string') {
		throw new ConfigError(`${source}: key ${jwk.kid} has no private part ("d"), so it cannot sign`);
	}
	const publicMaterial: Record<string, unknown> = {};
	for (const field of PUBLIC_FIELDS[alg]) publicMaterial[field] = (jwk as Record<string, unknown>)[field];
	// WebCrypto rejects key_ops that do not fit the half being imported, so import bare material.
	const { key_ops: _ops, use: _use, ext: _ext, ...privateMaterial } = jwk;
	const publicJwk = { ...publicMaterial, kid: jwk.kid, alg, use: 'sig', key_ops: ['verify'] } as JWK;
	try {
		const privateKey = (await importJWK(privateMaterial, alg)) as CryptoKey;
		const publicKey = (await importJWK(publicMaterial as JWK, alg)) as CryptoKey;
		return { kid: jwk.kid, alg, privateKey, publicKey, publicJwk };
	} catch (error) {
		throw new ConfigError(`${source}: key ${jwk.kid} is not a valid ${alg} JWK (${String(error)})`);
	}
}

async function generateDefaultKeyFile(file: string): Promise<void> {
	const { privateKey } = await generateKeyPair('ES256', { extractable: true });
	const jwk = await exportJWK(privateKey);
	const key = { ...jwk, kid: randomUUID(), alg: 'ES256', use: 'sig', key_ops: ['sign', 'verify'], ext: true };
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, JSON.stringify([key], null, 2) + '\n', { mode: 0o600 });
}

/**
 * The keys from [auth] signing_keys_path, or else a local ES256 key the stack generates once and
 * keeps in its data folder, as `supabase start` signs with its own built-in key.
 * The first key signs; all of them verify.
 */
export async function loadSigningKeys(config: StackConfig): Promise<SigningKey[]> {
	const configured = config.auth.signingKeysPath;
	const file = configured ?? path.join(config.dataDir, 'signing_keys.json');
	if (!configured && !existsSync(file)) await generateDefaultKeyFile(file);
	const source = path.relative(config.projectRoot, file);
	let parsed: unknown;
	try {
		parsed = JSON.parse(readFileSync(file, 'utf8'));
	} catch (error) {
		throw new ConfigError(`auth.signing_keys_path: cannot read ${source} as JSON (${String(error)})`);
	}
	if (!Array.isArray(parsed) || parsed.length === 0) {
		throw new ConfigError(`auth.signing_keys_path: ${source} must hold a non-empty JSON array of JWKs`);
	}
	return Promise.all(parsed.map((jwk: JWK) => toSigningKey(jwk, source)));
}

/** A legacy API key: the same HS256 JWT the CLI derives from the JWT secret. */
function legacyKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
	return new SignJWT({ iss: 'supabase-demo', role, exp: 1983812996 })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(new TextEncoder().encode(secret));
}

/** An opaque `sb_publishable_…` / `sb_secret_…` key, stable for a given JWT secret. */
function opaqueKey(secret: string, kind: 'publishable' | 'secret'): string {
	const digest = createHmac('sha256', secret).update(kind).digest('base64url');
	return `sb_${kind}_${digest.slice(0, 31)}`;
}

export async function deriveApiKeys(jwtSecret: string): Promise<ApiKeys> {
	return {
		anon: await legacyKey(jwtSecret, 'anon'),
		serviceRole: await legacyKey(jwtSecret, 'service_role'),
		publishable: opaqueKey(jwtSecret, 'publishable'),
		secret: opaqueKey(jwtSecret, 'secret')
	};
}

/** The JWKS PostgREST verifies with: the public signing keys and the legacy HS256 secret. */
export function postgrestJwks(keys: SigningKey[], jwtSecret: string): string {
	const secretJwk = { kty: 'oct', k: Buffer.from(jwtSecret).toString('base64url') };
	return JSON.stringify({ keys: [...keys.map((key) => key.publicJwk), secretJwk] });
}

/**
 * Verifies a JWT the way every service of the stack does: HS256 against the legacy secret,
 * ES256/RS256 against the signing key its kid names. Throws jose's errors.
 */
export async function verifyStackJwt(token: string, keys: SigningKey[], jwtSecret: string): Promise<JWTPayload> {
	const header = decodeProtectedHeader(token);
	if (header.alg === 'HS256') {
		return (await jwtVerify(token, new TextEncoder().encode(jwtSecret), { algorithms: ['HS256'] })).payload;
	}
	const key = keys.find((k) => k.alg === header.alg && (!header.kid || k.kid === header.kid));
	if (!key) throw new Error(`unrecognized JWT kid ${header.kid} for algorithm ${header.alg}`);
	return (await jwtVerify(token, key.publicKey, { algorithms: [key.alg] })).payload;
}
