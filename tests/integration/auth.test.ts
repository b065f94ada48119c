// Sign-up, sign-in and the errors auth-js must see with GoTrue's codes.
import { AuthApiError, AuthWeakPasswordError } from '@supabase/supabase-js';
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import {
	PASSWORD,
	anonClient,
	authDirectUrl,
	authFetch,
	signedUpUser,
	uniqueEmail,
	fetchJson,
	jwtSecret
} from './supabase.ts';

describe('sign up and sign in', () => {
	it('signs up with a session and GoTrue access-token claims', async () => {
		const { session, email } = await signedUpUser('signup');
		expect(session.token_type).toBe('bearer');
		expect(session.expires_in).toBeGreaterThan(3500);
		expect(session.refresh_token).toMatch(/^[a-z2-7]{12}$/);
		expect(session.user).toMatchObject({
			email,
			aud: 'authenticated',
			role: 'authenticated',
			phone: '',
			is_anonymous: false,
			app_metadata: { provider: 'email', providers: ['email'] }
		});
		expect(session.user.identities).toHaveLength(1);
		expect(session.user.identities?.[0]).toMatchObject({ provider: 'email', user_id: session.user.id });

		const claims = decodeJwt(session.access_token);
		expect(claims).toMatchObject({
			sub: session.user.id,
			aud: 'authenticated',
			role: 'authenticated',
			email,
			phone: '',
			aal: 'aal1',
			is_anonymous: false
		});
		expect(claims.exp! - claims.iat!).toBe(3600);
		expect(claims).toHaveProperty('session_id');
		expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
		expect(claims).not.toHaveProperty('jti');
		expect(claims).not.toHaveProperty('nbf');
	});

	it('signs in with the right password and refuses the wrong one', async () => {
		const { email } = await signedUpUser('signin');
		const client = anonClient();
		const ok = await client.auth.signInWithPassword({ email, password: PASSWORD });
		expect(ok.error).toBeNull();
		expect(ok.data.user?.email).toBe(email);

		const wrong = await anonClient().auth.signInWithPassword({ email, password: 'not-the-password' });
		expect(wrong.data.session).toBeNull();
		expect(wrong.error).toBeInstanceOf(AuthApiError);
		expect(wrong.error).toMatchObject({
			status: 400,
			code: 'invalid_credentials',
			message: 'Invalid login credentials'
		});

		const unknown = await anonClient().auth.signInWithPassword({ email: uniqueEmail('nobody'), password: PASSWORD });
		expect(unknown.error).toMatchObject({ status: 400, code: 'invalid_credentials' });
	});

	it('refuses a duplicate user with user_already_exists', async () => {
		const { email } = await signedUpUser('dup');
		const { data, error } = await anonClient().auth.signUp({ email: email.toUpperCase(), password: PASSWORD });
		expect(data.session).toBeNull();
		expect(error).toMatchObject({ status: 422, code: 'user_already_exists', message: 'User already registered' });
	});

	it('refuses a weak password with weak_password and its reasons', async () => {
		const email = uniqueEmail('weak');
		const { error } = await anonClient().auth.signUp({ email, password: '12345' });
		expect(error).toBeInstanceOf(AuthWeakPasswordError);
		expect(error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] });
		// Nothing was created: the address is still free.
		const retry = await anonClient().auth.signUp({ email, password: PASSWORD });
		expect(retry.error).toBeNull();
	});

	it('refuses a password over 72 bytes and a malformed email with validation_failed', async () => {
		const long = await anonClient().auth.signUp({ email: uniqueEmail('long'), password: 'x'.repeat(73) });
		expect(long.error).toMatchObject({ status: 400, code: 'validation_failed' });
		const bad = await anonClient().auth.signUp({ email: 'not-an-email', password: PASSWORD });
		expect(bad.error).toMatchObject({
			status: 400,
			code: 'validation_failed',
			message: 'Unable to validate email address: invalid format'
		});
	});
});

describe('error shapes', () => {
	it('answers malformed JSON with bad_json, versioned and legacy', async () => {
		const versioned = await authFetch('/signup', { method: 'POST', body: '{"email":' });
		expect(versioned.status).toBe(400);
		expect(versioned.headers.get('x-supabase-api-version')).toBe('2024-01-01');
		expect(versioned.headers.get('x-sb-error-code')).toBe('bad_json');
		expect(await versioned.json()).toMatchObject({ code: 'bad_json', message: expect.stringContaining('JSON') });

		const legacy = await authFetch('/token?grant_type=password', { method: 'POST', body: '[', versioned: false });
		expect(legacy.status).toBe(400);
		expect(legacy.headers.get('x-supabase-api-version')).toBeNull();
		expect(await legacy.json()).toMatchObject({ code: 400, error_code: 'bad_json', msg: expect.any(String) });
	});

	it('accepts the null fields auth-js sends', async () => {
		const response = await authFetch('/signup', {
			method: 'POST',
			body: JSON.stringify({
				email: uniqueEmail('nulls'),
				password: PASSWORD,
				data: {},
				gotrue_meta_security: {},
				code_challenge: null,
				code_challenge_method: null
			})
		});
		expect(response.status).toBe(200);
	});

	it('answers /user without a user token as GoTrue does, and an unknown grant with 400', async () => {
		// Through the gateway the apikey stands in as the bearer, as Kong does: a token with no user.
		const viaGateway = await authFetch('/user');
		expect(viaGateway.status).toBe(403);
		expect(await viaGateway.json()).toEqual({ code: 'bad_jwt', message: 'invalid claim: missing sub claim' });
		if (authDirectUrl) {
			const direct = await fetchJson(`${authDirectUrl}/user`, { headers: { 'X-Supabase-Api-Version': '2024-01-01' } });
			expect(direct.status).toBe(401);
			expect(await direct.json()).toEqual({
				code: 'no_authorization',
				message: 'This endpoint requires a valid Bearer token'
			});
		}
		const grant = await authFetch('/token?grant_type=magic', { method: 'POST', body: '{}' });
		expect(grant.status).toBe(400);
	});
});

describe('bearer tokens', () => {
	it('refuses a forged token: a changed payload, or a signature by a stranger key', async () => {
		const victim = await signedUpUser('victim');
		const attacker = await signedUpUser('attacker');
		const [header, , signature] = attacker.session.access_token.split('.');
		const claims = decodeJwt(attacker.session.access_token);
		const swapped = Buffer.from(JSON.stringify({ ...claims, sub: victim.userId })).toString('base64url');
		const tampered = `${header}.${swapped}.${signature}`;

		const { privateKey } = await generateKeyPair('ES256');
		const strangerSigned = await new SignJWT({ ...claims, sub: victim.userId })
			.setProtectedHeader({ alg: 'ES256', kid: decodeJwtHeader(attacker.session.access_token).kid, typ: 'JWT' })
			.sign(privateKey);

		for (const forged of [tampered, strangerSigned]) {
			const response = await authFetch('/user', { headers: { authorization: `Bearer ${forged}` } });
			expect(response.status).toBe(403);
			const body = await response.json();
			expect(body.code).toBe('bad_jwt');
			expect(body.message).toMatch(/^invalid JWT: /);
		}
		// The genuine token still works, and names the attacker, not the victim.
		const genuine = await attacker.client.auth.getUser(attacker.session.access_token);
		expect(genuine.data.user?.id).toBe(attacker.userId);
	});

	it.skipIf(!jwtSecret)(
		'refuses an expired token and accepts the same claims unexpired (needs SUPABASE_JWT_SECRET)',
		async () => {
			const { session, userId } = await signedUpUser('expiry');
			const claims = decodeJwt(session.access_token);
			const sign = (exp: number) =>
				new SignJWT({ ...claims, exp })
					.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
					.sign(new TextEncoder().encode(jwtSecret));

			const expired = await authFetch('/user', {
				headers: { authorization: `Bearer ${await sign(Math.floor(Date.now() / 1000) - 60)}` }
			});
			expect(expired.status).toBe(403);
			expect(await expired.json()).toMatchObject({ code: 'bad_jwt', message: expect.stringContaining('expired') });

			const fresh = await authFetch('/user', {
				headers: { authorization: `Bearer ${await sign(Math.floor(Date.now() / 1000) + 60)}` }
			});
			expect(fresh.status).toBe(200);
			expect((await fresh.json()).id).toBe(userId);
		}
	);
});

function decodeJwtHeader(token: string): { kid?: string; alg?: string } {
	return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
}
