// Second factors on the auth server, through supabase-js as an app calls them: TOTP enrolment,
// challenge and verify (the session rises to aal2), a new sign-in at aal1 that must rise again,
// wrong and reused codes, and another person's factor. Codes are computed from the secret the
// server shows, as an authenticator app computes them.
import type { SupabaseClient } from '@supabase/supabase-js';
import { totpCode as codeFor } from '../support/totp.ts';
import { describe, expect, it } from 'vitest';
import { anonClient, PASSWORD, signedUpUser } from './supabase.ts';

/** The claims of the client's current access token. */
async function claims(client: SupabaseClient) {
	const { data } = await client.auth.getSession();
	const [, payload] = data.session!.access_token.split('.');
	return JSON.parse(Buffer.from(payload, 'base64url').toString()) as { aal: string; amr: { method: string }[] };
}

async function enrolled(label: string) {
	const person = await signedUpUser(label);
	const { data, error } = await person.client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' });
	if (error || !data) throw error ?? new Error('no factor');
	return { ...person, factorId: data.id, secret: data.totp.secret, totp: data.totp };
}

async function verifyWith(client: SupabaseClient, factorId: string, code: string) {
	const challenge = await client.auth.mfa.challenge({ factorId });
	if (challenge.error) throw challenge.error;
	return client.auth.mfa.verify({ factorId, challengeId: challenge.data.id, code });
}

describe('two-factor sign-in with TOTP', () => {
	it('enrols with a QR code and a secret, and a first code verifies the factor and raises the session to aal2', async () => {
		const { client, factorId, secret, totp, email } = await enrolled('mfa');
		expect(totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg/);
		expect(secret).toMatch(/^[A-Z2-7]{32}$/);
		const uri = new URL(totp.uri);
		expect([uri.protocol, uri.host, decodeURIComponent(uri.pathname)]).toEqual([
			'otpauth:',
			'totp',
			`/127.0.0.1:5173:${email}`
		]);
		expect(Object.fromEntries(uri.searchParams)).toMatchObject({
			secret,
			issuer: '127.0.0.1:5173',
			digits: '6',
			period: '30'
		});
		expect((await client.auth.mfa.listFactors()).data?.all.map((factor) => factor.status)).toEqual(['unverified']);
		expect((await claims(client)).aal).toBe('aal1');

		const { error } = await verifyWith(client, factorId, codeFor(secret));
		expect(error).toBeNull();
		const after = await claims(client);
		expect(after.aal).toBe('aal2');
		expect(after.amr.map((entry) => entry.method)).toEqual(['totp', 'password']);
		const factors = await client.auth.mfa.listFactors();
		expect(factors.data?.totp.map((factor) => [factor.id, factor.status])).toEqual([[factorId, 'verified']]);

		// A refresh keeps the level.
		const refreshed = await client.auth.refreshSession();
		expect(refreshed.error).toBeNull();
		expect((await claims(client)).aal).toBe('aal2');
	});

	it('signs in at aal1 with the password alone, and the code lifts it; a wrong or spent code does not', async () => {
		const { factorId, secret, email, client: first } = await enrolled('mfa-signin');
		const now = Date.now();
		expect((await verifyWith(first, factorId, codeFor(secret, now))).error).toBeNull();

		const second = anonClient();
		expect((await second.auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
		const level = await second.auth.mfa.getAuthenticatorAssuranceLevel();
		expect(level.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });

		const wrong = await verifyWith(second, factorId, codeFor(secret, now - 10 * 60_000));
		expect(wrong.error?.message).toBe('Invalid TOTP code entered');
		// The code the first session spent is spent: not again, from anywhere, within its window.
		const reused = await verifyWith(second, factorId, codeFor(secret, now));
		expect(reused.error?.message).toBe('Invalid TOTP code entered');
		expect((await claims(second)).aal).toBe('aal1');

		const next = codeFor(secret, now + 30_000);
		expect((await verifyWith(second, factorId, next)).error).toBeNull();
		expect((await claims(second)).aal).toBe('aal2');
	});

	it('refuses more codes after five wrong ones in a row', async () => {
		const { client, factorId, secret } = await enrolled('mfa-guess');
		for (let attempt = 0; attempt < 5; attempt++) {
			const { error } = await verifyWith(client, factorId, codeFor(secret, Date.now() - (attempt + 5) * 60_000));
			expect(error?.message).toBe('Invalid TOTP code entered');
		}
		const limited = await verifyWith(client, factorId, codeFor(secret));
		expect(limited.error?.status).toBe(429);
		expect((await claims(client)).aal).toBe('aal1');
	});

	it('keeps another person from challenging, verifying or removing a factor that is not theirs', async () => {
		const owner = await enrolled('mfa-owner');
		const intruder = await signedUpUser('mfa-intruder');
		const challenge = await intruder.client.auth.mfa.challenge({ factorId: owner.factorId });
		expect(challenge.error?.status).toBe(404);
		const verify = await intruder.client.auth.mfa.verify({
			factorId: owner.factorId,
			challengeId: crypto.randomUUID(),
			code: codeFor(owner.secret)
		});
		expect(verify.error?.status).toBe(404);
		const removed = await intruder.client.auth.mfa.unenroll({ factorId: owner.factorId });
		expect(removed.error?.status).toBe(404);
		expect((await owner.client.auth.mfa.listFactors()).data?.all.map((factor) => factor.id)).toEqual([owner.factorId]);
	});

	it('removes a verified factor only from an aal2 session, and a new factor then needs aal2 too', async () => {
		const { client, factorId, secret, email } = await enrolled('mfa-remove');
		expect((await verifyWith(client, factorId, codeFor(secret))).error).toBeNull();

		const aal1 = anonClient();
		await aal1.auth.signInWithPassword({ email, password: PASSWORD });
		const refused = await aal1.auth.mfa.unenroll({ factorId });
		expect(refused.error?.message).toBe('AAL2 required to unenroll verified factor');
		const another = await aal1.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Laptop' });
		expect(another.error?.message).toBe('AAL2 required to enroll a new factor');

		expect((await client.auth.mfa.unenroll({ factorId })).error).toBeNull();
		await client.auth.refreshSession();
		expect((await claims(client)).aal).toBe('aal1');
		expect((await client.auth.mfa.listFactors()).data?.all).toEqual([]);
	});
});
