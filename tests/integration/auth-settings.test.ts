// Behaviour under other [auth] settings: reuse outside the window, RS256 keys, closed signups,
// email confirmations. Each runs a second auth server over the same real Postgres.
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { PASSWORD, isLocalStack, uniqueEmail } from './supabase.ts';
import { rs256KeyFile, startAuthServer } from './auth-server.ts';

describe.skipIf(!isLocalStack)('auth settings', () => {
	it('reuse case 3: a revoked token outside the interval revokes the whole family', async () => {
		const auth = await startAuthServer({ refreshTokenReuseInterval: 0 });
		try {
			const session = await (await auth.call('/signup', { email: uniqueEmail('family'), password: PASSWORD })).json();
			const child = await (
				await auth.call('/token?grant_type=refresh_token', { refresh_token: session.refresh_token })
			).json();
			const grandchild = await (
				await auth.call('/token?grant_type=refresh_token', { refresh_token: child.refresh_token })
			).json();
			await new Promise((resolve) => setTimeout(resolve, 20));

			const reuse = await auth.call('/token?grant_type=refresh_token', { refresh_token: session.refresh_token });
			expect(reuse.status).toBe(400);
			expect(await reuse.json()).toEqual({
				code: 'refresh_token_already_used',
				message: 'Invalid Refresh Token: Already Used'
			});
			// The live token of that session was revoked with the family.
			const live = await auth.call('/token?grant_type=refresh_token', { refresh_token: grandchild.refresh_token });
			expect(live.status).toBe(400);
			expect((await live.json()).code).toBe('refresh_token_already_used');
		} finally {
			await auth.close();
		}
	});

	it('signs with an RS256 key from signing_keys_path and publishes it', async () => {
		const auth = await startAuthServer({ signingKeysPath: await rs256KeyFile() });
		try {
			const session = await (await auth.call('/signup', { email: uniqueEmail('rs256'), password: PASSWORD })).json();
			expect(decodeProtectedHeader(session.access_token)).toMatchObject({ alg: 'RS256', kid: 'test-rs256' });
			const jwks = await auth.call('/.well-known/jwks.json');
			expect(jwks.headers.get('cache-control')).toBe('public, max-age=600');
			const { keys } = await jwks.json();
			expect(keys).toEqual([expect.objectContaining({ kid: 'test-rs256', kty: 'RSA', alg: 'RS256' })]);
			expect(keys[0]).not.toHaveProperty('d');
			const user = await auth.call('/user', undefined, { authorization: `Bearer ${session.access_token}` });
			expect(user.status).toBe(200);
		} finally {
			await auth.close();
		}
	});

	it('closed signups answer signup_disabled and create nothing', async () => {
		const auth = await startAuthServer({ enableSignup: false });
		try {
			const email = uniqueEmail('closed');
			const response = await auth.call('/signup', { email, password: PASSWORD });
			expect(response.status).toBe(422);
			expect(await response.json()).toMatchObject({ code: 'signup_disabled' });
			const login = await auth.call('/token?grant_type=password', { email, password: PASSWORD });
			expect((await login.json()).code).toBe('invalid_credentials');
		} finally {
			await auth.close();
		}
	});

	it('with confirmations on, signup returns a bare user and sign-in says email_not_confirmed', async () => {
		const auth = await startAuthServer({ enableConfirmations: true });
		try {
			const email = uniqueEmail('unconfirmed');
			const user = await (await auth.call('/signup', { email, password: PASSWORD })).json();
			expect(user).not.toHaveProperty('access_token');
			expect(user).toMatchObject({ email, confirmation_sent_at: expect.any(String) });
			expect(user).not.toHaveProperty('email_confirmed_at');
			const login = await auth.call('/token?grant_type=password', { email, password: PASSWORD });
			expect(login.status).toBe(400);
			expect((await login.json()).code).toBe('email_not_confirmed');
		} finally {
			await auth.close();
		}
	});
});
