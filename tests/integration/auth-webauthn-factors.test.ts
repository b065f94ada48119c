// WebAuthn second factors on the local auth server (GoTrue's factor_type "webauthn"), answered by a
// security key in software: the first challenge registers the key and raises the session to aal2,
// later sign-ins need its signature. Refused: a replayed or forged answer, the wrong ceremony, an
// answer made for another site, and another person. The stack has them on (supabase/config.toml);
// a second auth server over its Postgres, with the CLI's default (off), refuses them.
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../local-supabase/config.ts';
import { projectRoot } from '../../scripts/supabase-env.ts';
import { SecurityKey } from '../support/security-key.ts';
import { startAuthServer } from './auth-server.ts';
import { postMessage } from '../../src/lib/server/chat/messages.ts';
import {
	authFetch,
	dbUrl,
	isLocalStack,
	PASSWORD,
	publishableKey,
	signedUpUser,
	uniqueEmail,
	url
} from './supabase.ts';

const ORIGIN = 'http://localhost:5173';
const claimsOf = (token: string) =>
	JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { aal: string; amr: { method: string }[] };

describe.skipIf(!isLocalStack)('WebAuthn second factors', () => {
	const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });
	afterAll(() => sql.end());

	// GoTrue's HTTP API through the gateway, as the app's server calls it.
	const auth = {
		call: (route: string, body?: unknown, headers: Record<string, string> = {}, method?: string) =>
			authFetch(route, {
				method: method ?? (body === undefined ? 'GET' : 'POST'),
				headers,
				body: body === undefined ? undefined : JSON.stringify(body)
			})
	};

	const as = (token: string) => ({ authorization: `Bearer ${token}` });
	async function signIn(email: string): Promise<string> {
		const response = await auth.call('/token?grant_type=password', { email, password: PASSWORD });
		expect(response.status).toBe(200);
		return (await response.json()).access_token;
	}
	async function challenge(token: string, factorId: string) {
		const response = await auth.call(`/factors/${factorId}/challenge`, {}, as(token));
		expect(response.status).toBe(200);
		return response.json();
	}
	const verify = (token: string, factorId: string, challengeId: string, type: string, answer: unknown) =>
		auth.call(
			`/factors/${factorId}/verify`,
			{ challenge_id: challengeId, webauthn: { type, credential_response: answer } },
			as(token)
		);

	/** A person whose security key is registered as their verified factor. */
	async function withKey(label: string) {
		const email = uniqueEmail(label);
		const signup = await (await auth.call('/signup', { email, password: PASSWORD })).json();
		const factor = await (
			await auth.call('/factors', { factor_type: 'webauthn', friendly_name: 'Blue key' }, as(signup.access_token))
		).json();
		const key = new SecurityKey(ORIGIN);
		const opened = await challenge(signup.access_token, factor.id);
		const verified = await verify(
			signup.access_token,
			factor.id,
			opened.id,
			'create',
			key.register(opened.webauthn.credential_options.publicKey)
		);
		expect(verified.status).toBe(200);
		return { email, userId: signup.user.id as string, factorId: factor.id as string, key };
	}

	it('registers a key with a first challenge, and the session rises to aal2 with mfa/webauthn', async () => {
		const email = uniqueEmail('key');
		const signup = await (await auth.call('/signup', { email, password: PASSWORD })).json();
		const token = signup.access_token;
		const enrolled = await auth.call('/factors', { factor_type: 'webauthn', friendly_name: 'Blue key' }, as(token));
		expect(enrolled.status).toBe(200);
		const factor = await enrolled.json();
		expect(factor).toEqual({ id: expect.any(String), type: 'webauthn', friendly_name: 'Blue key' });

		const opened = await challenge(token, factor.id);
		expect(opened).toMatchObject({ type: 'webauthn', webauthn: { type: 'create' } });
		const options = opened.webauthn.credential_options.publicKey;
		expect(options).toMatchObject({ rp: { id: 'localhost', name: 'Parley' }, user: { name: email } });
		expect(options.challenge).toMatch(/^[\w-]{20,}$/);

		const key = new SecurityKey(ORIGIN);
		const answer = key.register(options);
		const verified = await verify(token, factor.id, opened.id, 'create', answer);
		expect(verified.status).toBe(200);
		const session = await verified.json();
		const claims = claimsOf(session.access_token);
		expect(claims.aal).toBe('aal2');
		expect(claims.amr.map((entry) => entry.method)).toEqual(['mfa/webauthn', 'password']);

		// Kept as GoTrue keeps it: go-webauthn's JSON, the id in standard base64.
		const [row] = await sql`
			select status, web_authn_credential as credential from auth.mfa_factors where id = ${factor.id}`;
		expect(row.status).toBe('verified');
		expect(row.credential).toMatchObject({
			id: key.credentialId.toString('base64'),
			attestationType: 'none',
			authenticator: { signCount: 0 }
		});

		// The same answer again registers nothing: the challenge is spent.
		const replayed = await verify(session.access_token, factor.id, opened.id, 'create', answer);
		expect(replayed.status).toBe(422);
	});

	it('asks a new sign-in for the key’s signature, refuses a forged or replayed one, and counts signatures', async () => {
		const { email, factorId, key } = await withKey('sign');
		const token = await signIn(email);
		expect(claimsOf(token).aal).toBe('aal1');

		const first = await challenge(token, factorId);
		expect(first.webauthn.type).toBe('request');
		const options = first.webauthn.credential_options.publicKey;
		expect(options.allowCredentials).toEqual([expect.objectContaining({ id: key.id, type: 'public-key' })]);

		// A key that was never registered, answering under the registered key's id, is refused,
		// and the challenge it answered is spent.
		const forger = new SecurityKey(ORIGIN);
		const forged = { ...forger.assert(options), id: key.id, rawId: key.id };
		const refused = await verify(token, factorId, first.id, 'request', forged);
		expect(refused.status).toBe(422);
		expect((await refused.json()).code).toBe('mfa_verification_failed');
		const late = await verify(token, factorId, first.id, 'request', key.assert(options));
		expect(late.status).toBe(422);

		// A registration answer to a signature challenge is the wrong ceremony.
		const second = await challenge(token, factorId);
		const wrongCeremony = await verify(
			token,
			factorId,
			second.id,
			'create',
			new SecurityKey(ORIGIN).register({
				challenge: second.webauthn.credential_options.publicKey.challenge,
				rp: { id: 'localhost' }
			})
		);
		expect(wrongCeremony.status).toBe(400);

		// Signed for another site: refused.
		const third = await challenge(token, factorId);
		const elsewhere = await verify(token, factorId, third.id, 'request', {
			...new SecurityKey('https://evil.example').assert(third.webauthn.credential_options.publicKey),
			id: key.id,
			rawId: key.id
		});
		expect(elsewhere.status).toBe(422);

		const fourth = await challenge(token, factorId);
		const signed = await verify(
			token,
			factorId,
			fourth.id,
			'request',
			key.assert(fourth.webauthn.credential_options.publicKey)
		);
		expect(signed.status).toBe(200);
		expect(claimsOf((await signed.json()).access_token).aal).toBe('aal2');
		const [row] = await sql`select web_authn_credential as credential from auth.mfa_factors where id = ${factorId}`;
		expect(row.credential.authenticator.signCount).toBeGreaterThan(0);
	});

	it('closes the database to the password alone once a key is registered, as for any second factor', async () => {
		const person = await signedUpUser('key-rls');
		await postMessage(person.client, { messageId: crypto.randomUUID(), content: 'Plans behind a key' });
		const aal1 = person.session.access_token;
		const chats = async (token: string) =>
			(
				await fetch(`${url}/rest/v1/chat_sessions?select=title`, {
					headers: { apikey: publishableKey, authorization: `Bearer ${token}` }
				})
			).json();
		expect(await chats(aal1)).toHaveLength(1);
		const factor = await (await auth.call('/factors', { factor_type: 'webauthn' }, as(aal1))).json();
		const opened = await challenge(aal1, factor.id);
		const key = new SecurityKey(ORIGIN);
		const verified = await verify(
			aal1,
			factor.id,
			opened.id,
			'create',
			key.register(opened.webauthn.credential_options.publicKey)
		);
		const aal2 = (await verified.json()).access_token;
		expect(await chats(aal1)).toEqual([]);
		expect(await chats(aal2)).toHaveLength(1);
	});

	it('keeps another person from challenging, verifying or removing a key that is not theirs', async () => {
		const { factorId, userId } = await withKey('owner');
		const intruder = await (await auth.call('/signup', { email: uniqueEmail('intruder'), password: PASSWORD })).json();
		const token = intruder.access_token;
		expect((await auth.call(`/factors/${factorId}/challenge`, {}, as(token))).status).toBe(404);
		const verified = await verify(token, factorId, '00000000-0000-4000-8000-000000000000', 'request', {});
		expect(verified.status).toBe(404);
		expect((await auth.call(`/factors/${factorId}`, undefined, as(token), 'DELETE')).status).toBe(404);
		const [row] = await sql`select user_id, status from auth.mfa_factors where id = ${factorId}`;
		expect(row).toEqual({ user_id: userId, status: 'verified' });
	});

	it('is refused where [auth.mfa.web_authn] is off, the CLI’s default', async () => {
		const { mfa } = loadStackConfig(projectRoot).auth;
		const off = await startAuthServer({ mfa: { ...mfa, webauthnEnroll: false, webauthnVerify: false } });
		try {
			const signup = await (await off.call('/signup', { email: uniqueEmail('no-keys'), password: PASSWORD })).json();
			const enrolled = await off.call('/factors', { factor_type: 'webauthn' }, as(signup.access_token));
			expect(enrolled.status).toBe(422);
			expect((await enrolled.json()).code).toBe('mfa_webauthn_enroll_not_enabled');
			const [{ count }] =
				await sql`select count(*)::int as count from auth.mfa_factors where user_id = ${signup.user.id}`;
			expect(count).toBe(0);
		} finally {
			await off.close();
		}
	});
});
