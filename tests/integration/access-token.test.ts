// The session check that spares an ordinary request auth-js (src/lib/server/access-token.ts),
// against the local auth server's real tokens and keys: it vouches for a live token signed by the
// project, and for nothing else, so that auth-js, which refreshes or drops, has the last word.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signingKeysOf, verifyAccessToken, type SigningKeys } from '../../src/lib/server/access-token.ts';
import { jwtSecret, publishableKey, signedUpUser, url } from './supabase.ts';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (token: string) =>
	token.split('.').map((piece, index) => (index < 2 ? JSON.parse(Buffer.from(piece, 'base64url').toString()) : piece));

describe('checking an access token without auth-js', () => {
	const keys = signingKeysOf(url, publishableKey!);
	let token: string;
	let userId: string;

	beforeAll(async () => {
		const person = await signedUpUser('access-token');
		userId = person.userId;
		token = person.session.access_token;
	});
	afterEach(() => vi.useRealTimers());

	it('vouches for a live token the auth server signed, with its claims', async () => {
		const claims = await verifyAccessToken(token, keys);
		expect(claims).toMatchObject({ sub: userId, role: 'authenticated', aal: 'aal1' });
	});

	it('declines a token whose claims were changed after signing', async () => {
		const [header, payload, signature] = decode(token);
		const other = `${part(header)}.${part({ ...payload, sub: crypto.randomUUID() })}.${signature}`;
		expect(await verifyAccessToken(other, keys)).toBeNull();
		expect(await verifyAccessToken(`${token.split('.').slice(0, 2).join('.')}.${'A'.repeat(86)}`, keys)).toBeNull();
	});

	it('declines a token signed by another key under the project key’s id, or with the shared secret', async () => {
		const [header, payload] = decode(token);
		const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const body = `${part(header)}.${part(payload)}`;
		const foreign = sign('sha256', Buffer.from(body), {
			key: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
			dsaEncoding: 'ieee-p1363'
		});
		expect(await verifyAccessToken(`${body}.${foreign.toString('base64url')}`, keys)).toBeNull();

		const hsBody = `${part({ ...header, alg: 'HS256' })}.${part(payload)}`;
		const { createHmac } = await import('node:crypto');
		const hs = createHmac('sha256', jwtSecret!).update(hsBody).digest('base64url');
		expect(await verifyAccessToken(`${hsBody}.${hs}`, keys)).toBeNull();
		expect(await verifyAccessToken(`${part({ ...header, alg: 'none' })}.${part(payload)}.`, keys)).toBeNull();
	});

	it('declines a token, or a session, within the refresh margin of its end, for auth-js to refresh', async () => {
		const { exp } = decode(token)[1] as { exp: number };
		expect(await verifyAccessToken(token, keys, Math.floor(Date.now() / 1000) - 60)).toBeNull();
		vi.useFakeTimers({ toFake: ['Date'], now: (exp - 60) * 1000 });
		expect(await verifyAccessToken(token, keys)).toBeNull();
		vi.setSystemTime((exp - 120) * 1000);
		expect(await verifyAccessToken(token, keys)).toMatchObject({ sub: userId });
	});

	it('declines everything when the auth server’s keys cannot be had', async () => {
		const unreachable = signingKeysOf('http://127.0.0.1:9', publishableKey!);
		expect(await verifyAccessToken(token, unreachable)).toBeNull();
		expect(await verifyAccessToken('not.a.token', keys)).toBeNull();
		expect(await verifyAccessToken('', keys)).toBeNull();
	});

	it('checks a token it vouched for again when the keys no longer hold the key that checked it', async () => {
		// Vouched for once, the token is remembered with its key.
		expect(await verifyAccessToken(token, keys)).toMatchObject({ sub: userId });
		// The project's key was rotated: its id now names another key, which did not sign this token.
		const { kid } = decode(token)[0] as { kid: string };
		const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const rotated: SigningKeys = new Map([
			[
				kid,
				{
					alg: 'ES256',
					key: await crypto.subtle.importKey('jwk', publicKey.export({ format: 'jwk' }), ECDSA_P256, false, ['verify'])
				}
			]
		]);
		expect(await verifyAccessToken(token, async () => rotated)).toBeNull();
		expect(await verifyAccessToken(token, async () => new Map())).toBeNull();
		expect(await verifyAccessToken(token, async () => null)).toBeNull();
		// With the key that signed it, it checks out again.
		expect(await verifyAccessToken(token, keys)).toMatchObject({ sub: userId });
	});
});
