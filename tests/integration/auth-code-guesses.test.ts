// Mailed codes that cannot be guessed. A six-digit code is a million guesses wide, so two things
// hold it: a caller cannot pick its own per-IP bucket (the gateway passes Sb-Forwarded-For only
// from a caller holding the secret key, as the hosted platform does), and each user's codes take
// five wrong guesses, from any address, before the sixth spends them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../local-supabase/config.ts';
import { createGateway } from '../../local-supabase/gateway/gateway.ts';
import { deriveApiKeys, loadSigningKeys, type ApiKeys } from '../../local-supabase/keys.ts';
import { projectRoot } from '../../scripts/supabase-env.ts';
import { startAuthServer } from './auth-server.ts';
import { adminClient, fetchJson, isLocalStack, PASSWORD, signedUpUser } from './supabase.ts';

const admin = adminClient();

/** A fresh recovery code for the user, as the mail would carry it. */
async function recoveryCode(email: string): Promise<string> {
	const { data, error } = await admin.auth.admin.generateLink({ type: 'recovery', email });
	expect(error).toBeNull();
	return data.properties!.email_otp;
}

const wrong = (code: string, n: number) => String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');
const address = (n: number) => `198.51.100.${n % 250}`;

describe.skipIf(!isLocalStack)('a mailed code, guessed from many addresses', () => {
	let auth: Awaited<ReturnType<typeof startAuthServer>>;
	let gateway: Server;
	let gatewayUrl: string;
	let keys: ApiKeys;

	beforeAll(async () => {
		// Per-IP limits keyed as a deployment behind a proxy keys them: by the peer's address in
		// X-Forwarded-For, which the gateway writes itself (GOTRUE_RATE_LIMIT_HEADER).
		auth = await startAuthServer({
			rateLimits: {
				anonymousUsers: 30,
				tokenRefresh: 150,
				signInSignUps: 30,
				tokenVerifications: 30,
				emailSent: 30,
				rateLimitHeader: 'X-Forwarded-For'
			}
		});
		const config = loadStackConfig(projectRoot);
		keys = await deriveApiKeys(config.auth.jwtSecret);
		const handle = createGateway({
			port: 0,
			apiKeys: keys,
			signingKeys: await loadSigningKeys(config),
			jwtSecret: config.auth.jwtSecret,
			upstreams: { auth: auth.port, rest: config.ports.rest }
		});
		gateway = createServer((req, res) => void handle(req, res));
		await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
		gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		gateway.close();
		await auth.close();
	});

	const verify = (apikey: string, body: object, forwardedFor: string) =>
		fetchJson(`${gatewayUrl}/auth/v1/verify`, {
			method: 'POST',
			headers: { apikey, 'content-type': 'application/json', 'sb-forwarded-for': forwardedFor },
			body: JSON.stringify(body)
		});

	it('meets the per-IP limit however a caller with the publishable key rotates Sb-Forwarded-For', async () => {
		const { email } = await signedUpUser('rotating');
		const code = await recoveryCode(email);
		const statuses: number[] = [];
		for (let n = 0; n < 40; n++) {
			const response = await verify(keys.publishable, { type: 'recovery', email, token: wrong(code, n) }, address(n));
			statuses.push(response.status);
		}
		expect(statuses.slice(0, 30).every((status) => status === 403)).toBe(true);
		expect(statuses.slice(30)).toEqual(Array(10).fill(429));
	});

	it('lets a server holding the secret key name its visitors, each with their own bucket', async () => {
		const { email } = await signedUpUser('trusted');
		for (let n = 0; n < 35; n++) {
			const response = await verify(
				keys.secret,
				{ type: 'recovery', email: `nobody-${n}@example.com`, token: '000000' },
				address(n)
			);
			expect(response.status).toBe(403);
		}
		// The trusted caller's visitors are not the publishable caller's bucket, spent above.
		const code = await recoveryCode(email);
		const right = await verify(keys.secret, { type: 'recovery', email, token: code }, '203.0.113.99');
		expect(right.status).toBe(200);
	});
});

describe.skipIf(!isLocalStack)('wrong codes for one user, with no per-IP limit at all', () => {
	let auth: Awaited<ReturnType<typeof startAuthServer>>;
	beforeAll(async () => {
		auth = await startAuthServer({});
	});
	afterAll(() => auth.close());

	const verify = (body: object, forwardedFor: string) =>
		auth.call('/verify', body, { 'sb-forwarded-for': forwardedFor });

	it('take five wrong codes and still accept the right one (the control)', async () => {
		const { email } = await signedUpUser('five-wrong');
		const code = await recoveryCode(email);
		for (let n = 0; n < 5; n++) {
			expect((await verify({ type: 'recovery', email, token: wrong(code, n) }, address(n))).status).toBe(403);
		}
		const right = await verify({ type: 'recovery', email, token: code }, address(99));
		expect(right.status).toBe(200);
		expect((await right.json()).user.email).toBe(email);
	});

	it('spend the code at the sixth wrong one, from whatever address: the right code then fails too', async () => {
		const { email } = await signedUpUser('six-wrong');
		const code = await recoveryCode(email);
		for (let n = 0; n < 6; n++) {
			expect((await verify({ type: 'recovery', email, token: wrong(code, n) }, address(n))).status).toBe(403);
		}
		const right = await verify({ type: 'recovery', email, token: code }, address(99));
		expect(right.status).toBe(403);
		expect((await right.json()).code).toBe('otp_expired');
		// Nothing changed: the password still opens the account, and a new mail brings a new code.
		const signIn = await auth.call('/token?grant_type=password', { email, password: PASSWORD });
		expect(signIn.status).toBe(200);
		const fresh = await recoveryCode(email);
		expect((await verify({ type: 'recovery', email, token: fresh }, address(100))).status).toBe(200);
	});

	it('count each user apart: another user’s wrong codes spend nothing of theirs', async () => {
		const a = await signedUpUser('guessed');
		const b = await signedUpUser('bystander');
		const codeB = await recoveryCode(b.email);
		await recoveryCode(a.email);
		for (let n = 0; n < 6; n++) await verify({ type: 'recovery', email: a.email, token: wrong(codeB, n) }, address(n));
		expect((await verify({ type: 'recovery', email: b.email, token: codeB }, address(7))).status).toBe(200);
	});
});
