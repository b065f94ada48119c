// Email confirmation on the local auth server, as GoTrue answers it: a signup with confirmations
// on mails a link and opens no session; /resend mails it again; /verify (type email or signup)
// spends it once for a session. The stack runs with confirmations off, so a second auth server
// with them on serves the signup case; /resend works on either, for an unconfirmed address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer } from './auth-server.ts';
import { mailCount, mailTo, outbox, tokenHashIn } from './outbox.ts';
import { adminClient, anonClient, authFetch, isLocalStack, PASSWORD, uniqueEmail } from './supabase.ts';

describe.skipIf(!isLocalStack || !outbox)('a signup with confirmations on', () => {
	let server: Awaited<ReturnType<typeof startAuthServer>>;
	beforeAll(async () => {
		server = await startAuthServer({ enableConfirmations: true });
	});
	afterAll(() => server.close());

	it('mails a link, opens no session, and the link confirms the address once', async () => {
		const email = uniqueEmail('confirm');
		const signup = await server.call('/signup', { email, password: PASSWORD });
		expect(signup.status).toBe(200);
		const user = await signup.json();
		expect(user).toMatchObject({ email, role: 'authenticated', is_anonymous: false });
		expect(user.access_token).toBeUndefined();
		expect(user.email_confirmed_at).toBeUndefined();
		expect(user.confirmation_sent_at).toBeTruthy();

		const early = await server.call('/token?grant_type=password', { email, password: PASSWORD });
		expect([early.status, (await early.json()).code]).toEqual([400, 'email_not_confirmed']);

		const mail = await mailTo(email);
		expect(mail.Subject).toBe('Confirm your Parley account');
		expect(mail.Text).toContain('/auth/confirm?token_hash=');
		expect(mail.Text).toContain('type=email');
		const hash = tokenHashIn(mail.HTML)!;

		const verified = await server.call('/verify', { type: 'email', token_hash: hash });
		expect(verified.status).toBe(200);
		const session = await verified.json();
		expect(session.user).toMatchObject({ id: user.id, email });
		expect(session.user.email_confirmed_at).toBeTruthy();
		expect(session.user.user_metadata.email_verified).toBe(true);
		expect(session.user.identities[0].identity_data.email_verified).toBe(true);
		expect(session.access_token).toBeTruthy();

		const again = await server.call('/verify', { type: 'email', token_hash: hash });
		expect([again.status, (await again.json()).code]).toEqual([403, 'otp_expired']);
		const signedIn = await server.call('/token?grant_type=password', { email, password: PASSWORD });
		expect(signedIn.status).toBe(200);

		// Signing up again with a confirmed address says nothing of it, and mails nothing.
		const repeat = await server.call('/signup', { email, password: 'another-password' });
		expect(repeat.status).toBe(200);
		expect((await repeat.json()).id).not.toBe(user.id);
		expect(await mailCount(email)).toBe(1);
	});

	it('refuses a second signup mail within max_frequency', async () => {
		const email = uniqueEmail('confirm-twice');
		expect((await server.call('/signup', { email, password: PASSWORD })).status).toBe(200);
		const second = await server.call('/signup', { email, password: PASSWORD });
		expect([second.status, (await second.json()).code]).toEqual([429, 'over_email_send_rate_limit']);
		expect(await mailCount(email)).toBe(1);
	});

	it('keeps no user when the mail cannot be sent', async () => {
		const mailless = await startAuthServer({ enableConfirmations: true, mailUrl: undefined });
		try {
			const email = uniqueEmail('no-mail');
			const response = await mailless.call('/signup', { email, password: PASSWORD });
			expect(response.status).toBe(500);
			const { data } = await adminClient().auth.admin.listUsers({ perPage: 1000 });
			expect(data.users.some((candidate) => candidate.email === email)).toBe(false);
		} finally {
			await mailless.close();
		}
	});
});

describe.skipIf(!isLocalStack || !outbox)('/resend', () => {
	const resend = (body: Record<string, unknown>) =>
		authFetch('/resend', { method: 'POST', body: JSON.stringify(body) });

	it('mails an unconfirmed address its link again, which then confirms it', async () => {
		const email = uniqueEmail('resend');
		const created = await adminClient().auth.admin.createUser({ email, password: PASSWORD });
		expect(created.error).toBeNull();
		const client = anonClient();
		const { error } = await client.auth.resend({ type: 'signup', email });
		expect(error).toBeNull();
		const hash = tokenHashIn((await mailTo(email)).HTML)!;

		const verified = await client.auth.verifyOtp({ type: 'signup', token_hash: hash });
		expect(verified.error).toBeNull();
		expect(verified.data.user?.email_confirmed_at).toBeTruthy();
		const again = await resend({ type: 'signup', email });
		expect([again.status, await again.json()]).toEqual([200, {}]);
		expect(await mailCount(email)).toBe(1);
	});

	it('answers an unknown address as a known one, mails nothing, and refuses a second mail too soon', async () => {
		const unknown = uniqueEmail('resend-nobody');
		const quiet = await resend({ type: 'signup', email: unknown });
		expect([quiet.status, await quiet.json()]).toEqual([200, {}]);
		expect(await mailCount(unknown)).toBe(0);

		const email = uniqueEmail('resend-twice');
		await adminClient().auth.admin.createUser({ email, password: PASSWORD });
		expect((await resend({ type: 'signup', email })).status).toBe(200);
		const second = await resend({ type: 'signup', email });
		expect([second.status, (await second.json()).code]).toEqual([429, 'over_email_send_rate_limit']);
		expect(await mailCount(email)).toBe(1);
	});

	it('validates the type and the address as GoTrue does', async () => {
		const bad = await resend({ type: 'magiclink', email: uniqueEmail('x') });
		expect([bad.status, (await bad.json()).code]).toEqual([400, 'validation_failed']);
		const noEmail = await resend({ type: 'signup' });
		expect([noEmail.status, (await noEmail.json()).message]).toEqual([400, 'Type provided requires an email address']);
	});

	it('confirms through the GET link as well, with the session and type=signup in the fragment', async () => {
		const email = uniqueEmail('resend-get');
		await adminClient().auth.admin.createUser({ email, password: PASSWORD });
		await resend({ type: 'signup', email });
		const hash = tokenHashIn((await mailTo(email)).HTML)!;
		const response = await authFetch(`/verify?token=${hash}&type=signup&redirect_to=http://127.0.0.1:5173/chat`, {
			redirect: 'manual'
		});
		expect(response.status).toBe(303);
		const target = new URL(response.headers.get('location')!);
		expect(target.origin + target.pathname).toBe('http://127.0.0.1:5173/chat');
		const fragment = new URLSearchParams(target.hash.slice(1));
		expect(fragment.get('type')).toBe('signup');
		expect(fragment.get('access_token')).toBeTruthy();
	});
});
