// The rest of GoTrue's mailed links on the local auth server, driven through auth-js as an app
// would: magic links (/otp), invites, admin generate_link and email change with double
// confirmation. Every mail is read from the outbox; the statuses and codes are GoTrue's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer } from './auth-server.ts';
import { mailCount, mailTo, mailsTo, outbox, tokenHashIn } from './outbox.ts';
import { adminClient, anonClient, authFetch, isLocalStack, PASSWORD, signedUpUser, uniqueEmail } from './supabase.ts';

const admin = adminClient();

describe.skipIf(!isLocalStack || !outbox)('magic links (/otp)', () => {
	it('mails a confirmed user a link that signs them in, as magiclink and as email', async () => {
		const user = await signedUpUser('magic');
		const client = anonClient();
		expect((await client.auth.signInWithOtp({ email: user.email })).error).toBeNull();
		const mail = await mailTo(user.email);
		expect(mail.Subject).toBe('Your sign-in link');
		const hash = tokenHashIn(mail.Text) ?? /token(?:_hash)?=([0-9a-f]{56})/.exec(mail.Text)?.[1];
		expect(hash).toMatch(/^[0-9a-f]{56}$/);
		const { data, error } = await client.auth.verifyOtp({ type: 'magiclink', token_hash: hash! });
		expect(error).toBeNull();
		expect(data.session?.user.id).toBe(user.userId);
		const again = await client.auth.verifyOtp({ type: 'email', token_hash: hash! });
		expect(again.error).toMatchObject({ status: 403, code: 'otp_expired' });
	});

	it('creates a new user only when asked to, and says otp_disabled otherwise', async () => {
		const refused = uniqueEmail('otp-nobody');
		const { error } = await anonClient().auth.signInWithOtp({ email: refused, options: { shouldCreateUser: false } });
		expect(error).toMatchObject({ status: 422, code: 'otp_disabled' });
		expect(await mailCount(refused)).toBe(0);

		const email = uniqueEmail('otp-new');
		expect((await anonClient().auth.signInWithOtp({ email })).error).toBeNull();
		expect((await mailTo(email)).Subject).toBe('Your sign-in link');
		const { data } = await admin.auth.admin.listUsers({ perPage: 1000 });
		expect(data.users.find((candidate) => candidate.email === email)?.email_confirmed_at).toBeTruthy();
	});
});

describe.skipIf(!isLocalStack || !outbox)('invites', () => {
	it('mails an invite whose link signs the person in, who then sets a password', async () => {
		const email = uniqueEmail('invited');
		const invited = await admin.auth.admin.inviteUserByEmail(email, { data: { team: 'blue' } });
		expect(invited.error).toBeNull();
		expect(invited.data.user).toMatchObject({ email, user_metadata: { team: 'blue' } });
		expect(invited.data.user?.invited_at).toBeTruthy();
		expect(invited.data.user?.email_confirmed_at).toBeUndefined();
		const mail = await mailTo(email);
		expect(mail.Subject).toBe("You've been invited");
		const hash = /token(?:_hash)?=([0-9a-f]{56})/.exec(mail.Text)![1];

		const client = anonClient();
		const verified = await client.auth.verifyOtp({ type: 'invite', token_hash: hash });
		expect(verified.error).toBeNull();
		expect(verified.data.user?.email_confirmed_at).toBeTruthy();
		expect((await client.auth.updateUser({ password: PASSWORD })).error).toBeNull();
		expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
	});

	it('refuses to invite a confirmed address, and anyone but the admin', async () => {
		const user = await signedUpUser('already');
		const again = await admin.auth.admin.inviteUserByEmail(user.email);
		expect(again.error).toMatchObject({ status: 422, code: 'email_exists' });
		const email = uniqueEmail('not-invited');
		const asUser = await authFetch('/invite', {
			method: 'POST',
			headers: { authorization: `Bearer ${user.session.access_token}` },
			body: JSON.stringify({ email })
		});
		expect([asUser.status, (await asUser.json()).code]).toEqual([403, 'not_admin']);
		expect(await mailCount(email)).toBe(0);
	});
});

describe.skipIf(!isLocalStack || !outbox)('admin generate_link', () => {
	it('returns the link and its code instead of mailing them, and the link works', async () => {
		const user = await signedUpUser('generated');
		const { data, error } = await admin.auth.admin.generateLink({ type: 'magiclink', email: user.email });
		expect(error).toBeNull();
		expect(data.properties).toMatchObject({ verification_type: 'magiclink', redirect_to: 'http://127.0.0.1:5173' });
		expect(data.properties!.email_otp).toMatch(/^\d{6}$/);
		expect(data.properties!.action_link).toContain(
			`/auth/v1/verify?token=${data.properties!.hashed_token}&type=magiclink`
		);
		expect(data.user!.id).toBe(user.userId);
		expect(await mailCount(user.email)).toBe(0);

		// The six-digit code works as the link would, with its address.
		const verified = await anonClient().auth.verifyOtp({
			type: 'magiclink',
			email: user.email,
			token: data.properties!.email_otp
		});
		expect(verified.error).toBeNull();
	});

	it('makes an unconfirmed user for a signup link, and refuses what GoTrue refuses', async () => {
		const email = uniqueEmail('generated-signup');
		const { data, error } = await admin.auth.admin.generateLink({ type: 'signup', email, password: PASSWORD });
		expect(error).toBeNull();
		expect(data.user!.email_confirmed_at).toBeUndefined();
		const verified = await anonClient().auth.verifyOtp({ type: 'signup', token_hash: data.properties!.hashed_token });
		expect(verified.error).toBeNull();
		expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();

		const taken = await admin.auth.admin.generateLink({ type: 'signup', email, password: PASSWORD });
		expect(taken.error).toMatchObject({ status: 422, code: 'email_exists' });
		const unknown = await admin.auth.admin.generateLink({ type: 'recovery', email: uniqueEmail('nobody') });
		expect(unknown.error).toMatchObject({ status: 404, code: 'user_not_found' });
		const wrongType = await admin.auth.admin.generateLink({ type: 'telepathy', email } as never);
		expect(wrongType.error).toMatchObject({ status: 400, code: 'validation_failed' });
	});
});

describe.skipIf(!isLocalStack || !outbox)('email change', () => {
	it('waits for both addresses to confirm, then moves the account to the new one', async () => {
		const user = await signedUpUser('moving');
		const newEmail = uniqueEmail('moved');
		const { data, error } = await user.client.auth.updateUser({ email: newEmail });
		expect(error).toBeNull();
		expect(data.user).toMatchObject({ email: user.email, new_email: newEmail });

		const toNew = await mailTo(newEmail);
		const toOld = (await mailsTo(user.email)).find((mail) => mail.Subject === 'Confirm your new Parley address');
		expect(toNew.Subject).toBe('Confirm your new Parley address');
		expect(toOld).toBeDefined();
		const newHash = /token(?:_hash)?=([0-9a-f]{56})/.exec(toNew.Text)![1];
		const oldHash = /token(?:_hash)?=([0-9a-f]{56})/.exec(toOld!.Text)![1];
		expect(newHash).not.toBe(oldHash);

		const half = await authFetch('/verify', {
			method: 'POST',
			body: JSON.stringify({ type: 'email_change', token_hash: newHash })
		});
		expect([half.status, await half.json()]).toEqual([
			200,
			{ msg: 'Confirmation link accepted. Please proceed to confirm link sent to the other email', code: '200' }
		]);
		const stillOld = await admin.auth.admin.getUserById(user.userId);
		expect(stillOld.data.user?.email).toBe(user.email);

		const done = await user.client.auth.verifyOtp({ type: 'email_change', token_hash: oldHash });
		expect(done.error).toBeNull();
		expect(done.data.user?.email).toBe(newEmail);
		const moved = await admin.auth.admin.getUserById(user.userId);
		expect(moved.data.user?.email).toBe(newEmail);
		expect(moved.data.user?.identities?.[0].identity_data?.email).toBe(newEmail);
		expect((await anonClient().auth.signInWithPassword({ email: newEmail, password: PASSWORD })).error).toBeNull();
		expect((await anonClient().auth.signInWithPassword({ email: user.email, password: PASSWORD })).error?.code).toBe(
			'invalid_credentials'
		);
		const reused = await user.client.auth.verifyOtp({ type: 'email_change', token_hash: newHash });
		expect(reused.error).toMatchObject({ status: 403, code: 'otp_expired' });
	});

	it('refuses a second change mail within max_frequency, and a taken address', async () => {
		const user = await signedUpUser('moving-twice');
		expect((await user.client.auth.updateUser({ email: uniqueEmail('first') })).error).toBeNull();
		const second = await user.client.auth.updateUser({ email: uniqueEmail('second') });
		expect(second.error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' });
		const other = await signedUpUser('owner');
		const taken = await user.client.auth.updateUser({ email: other.email });
		expect(taken.error).toMatchObject({ status: 422, code: 'email_exists' });
	});

	describe('with double_confirm_changes off', () => {
		let server: Awaited<ReturnType<typeof startAuthServer>>;
		beforeAll(async () => {
			server = await startAuthServer({ doubleConfirmChanges: false });
		});
		afterAll(() => server.close());

		it('mails only the new address, whose link alone applies the change', async () => {
			const user = await signedUpUser('single');
			const newEmail = uniqueEmail('single-new');
			const changed = await server.call(
				'/user',
				{ email: newEmail },
				{
					authorization: `Bearer ${user.session.access_token}`
				},
				'PUT'
			);
			expect(changed.status).toBe(200);
			const hash = /token(?:_hash)?=([0-9a-f]{56})/.exec((await mailTo(newEmail)).Text)![1];
			expect((await mailsTo(user.email)).filter((mail) => mail.Subject === 'Confirm your new Parley address')).toEqual(
				[]
			);
			const done = await server.call('/verify', { type: 'email_change', token_hash: hash });
			expect(done.status).toBe(200);
			expect((await done.json()).user.email).toBe(newEmail);
		});
	});
});
