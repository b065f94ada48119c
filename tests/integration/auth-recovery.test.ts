// Password recovery on the local auth server, as auth-js drives it (resetPasswordForEmail, then
// verifyOtp with the link's token_hash), with the mail read from the outbox's Mailpit API.
import { beforeAll, describe, expect, it } from 'vitest';
import { mailCount, mailTo, outbox, tokenHashIn } from './outbox.ts';
import { anonClient, authFetch, isLocalStack, PASSWORD, signedUpUser, uniqueEmail } from './supabase.ts';

describe.skipIf(!isLocalStack || !outbox)('password recovery through the outbox', () => {
	let user: Awaited<ReturnType<typeof signedUpUser>>;
	beforeAll(async () => {
		user = await signedUpUser('recover');
	});

	it('mails a single-use link that opens a session and lets the password change', async () => {
		const client = anonClient();
		const { error } = await client.auth.resetPasswordForEmail(user.email, { redirectTo: 'http://127.0.0.1:5173/x' });
		expect(error).toBeNull();
		const mail = await mailTo(user.email);
		expect(mail.Subject).toBe('Reset your Parley password');
		// The outbox's own page lists it too.
		expect(await (await fetch(`${outbox}/`)).text()).toContain('Reset your Parley password');
		expect(mail.Text).toContain('/auth/confirm?token_hash=');
		const hash = tokenHashIn(mail.HTML)!;
		expect(hash).toMatch(/^[0-9a-f]{56}$/);

		const verified = await client.auth.verifyOtp({ type: 'recovery', token_hash: hash });
		expect(verified.error).toBeNull();
		expect(verified.data.session?.user.email).toBe(user.email);
		expect((await client.auth.updateUser({ password: 'a-brand-new-password' })).error).toBeNull();

		// Spent: the same link opens nothing a second time.
		const again = await authFetch('/verify', {
			method: 'POST',
			body: JSON.stringify({ type: 'recovery', token_hash: hash })
		});
		expect([again.status, (await again.json()).code]).toEqual([403, 'otp_expired']);
		// The new password works and the old one does not.
		const fresh = anonClient();
		expect((await fresh.auth.signInWithPassword({ email: user.email, password: PASSWORD })).error?.code).toBe(
			'invalid_credentials'
		);
		expect(
			(await fresh.auth.signInWithPassword({ email: user.email, password: 'a-brand-new-password' })).error
		).toBeNull();
	});

	it('answers an unknown address as a known one, and mails nothing', async () => {
		const email = uniqueEmail('nobody');
		const response = await authFetch('/recover', { method: 'POST', body: JSON.stringify({ email }) });
		expect([response.status, await response.json()]).toEqual([200, {}]);
		expect(await mailCount(email)).toBe(0);
	});

	it('refuses a second mail within max_frequency with 429 over_email_send_rate_limit', async () => {
		const other = await signedUpUser('recover-twice');
		const first = await authFetch('/recover', { method: 'POST', body: JSON.stringify({ email: other.email }) });
		expect(first.status).toBe(200);
		const second = await authFetch('/recover', { method: 'POST', body: JSON.stringify({ email: other.email }) });
		const body = await second.json();
		expect([second.status, body.code]).toEqual([429, 'over_email_send_rate_limit']);
		expect(body.message).toMatch(/^For security purposes, you can only request this after \d+ seconds\.$/);
		expect(await mailCount(other.email)).toBe(1);
	});

	it('refuses a wrong or malformed token with 403 otp_expired, and a bad type with 400', async () => {
		for (const token_hash of ['0'.repeat(56), 'not-a-hash', '']) {
			const response = await authFetch('/verify', {
				method: 'POST',
				body: JSON.stringify({ type: 'recovery', token_hash })
			});
			const body = await response.json();
			expect([response.status, body.code], token_hash).toEqual(
				token_hash ? [403, 'otp_expired'] : [400, 'validation_failed']
			);
		}
		const wrongType = await authFetch('/verify', {
			method: 'POST',
			body: JSON.stringify({ type: 'telepathy', token_hash: '0'.repeat(56) })
		});
		expect([wrongType.status, (await wrongType.json()).code]).toEqual([400, 'validation_failed']);
	});

	it('redirects GET /verify with the session, or the error, in the fragment', async () => {
		const other = await signedUpUser('recover-get');
		await authFetch('/recover', { method: 'POST', body: JSON.stringify({ email: other.email }) });
		const hash = tokenHashIn((await mailTo(other.email)).HTML)!;
		const link = `/verify?token=${hash}&type=recovery&redirect_to=${encodeURIComponent('http://127.0.0.1:5173/after')}`;
		const ok = await authFetch(link, { redirect: 'manual', versioned: false });
		expect(ok.status).toBe(303);
		const target = new URL(ok.headers.get('location')!);
		expect(target.origin + target.pathname).toBe('http://127.0.0.1:5173/after');
		expect(new URLSearchParams(target.hash.slice(1)).get('type')).toBe('recovery');
		expect(new URLSearchParams(target.hash.slice(1)).get('access_token')).toBeTruthy();
		const spent = await authFetch(link, { redirect: 'manual', versioned: false });
		expect(new URLSearchParams(new URL(spent.headers.get('location')!).hash.slice(1)).get('error_code')).toBe(
			'otp_expired'
		);
		// Another site is never the target: the site URL stands in.
		const elsewhere = await authFetch(`/verify?token=x&type=recovery&redirect_to=https://evil.example/`, {
			redirect: 'manual',
			versioned: false
		});
		expect(new URL(elsewhere.headers.get('location')!).origin).toBe('http://127.0.0.1:5173');
	});
});
