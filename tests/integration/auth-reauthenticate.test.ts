// Reauthentication, and what the local auth server does not implement answered as GoTrue answers
// with it switched off: SAML, identity linking, ID-token and Web3 sign-ins, phone codes.
import { describe, expect, it } from 'vitest';
import { mailTo, outbox } from './outbox.ts';
import { anonClient, isLocalStack, PASSWORD, signedUpUser } from './supabase.ts';

describe.skipIf(!isLocalStack || !outbox)('reauthentication', () => {
	it('mails a signed-in user a code that a change with a nonce needs, once', async () => {
		const user = await signedUpUser('reauth');
		expect((await user.client.auth.reauthenticate()).error).toBeNull();
		const mail = await mailTo(user.email);
		expect(mail.Subject).toBe('Confirm reauthentication');
		const code = /(\d{6})/.exec(mail.Text)![1];

		const wrong = await user.client.auth.updateUser({ password: 'another-password-1', nonce: '000000' });
		expect(wrong.error).toMatchObject({ status: 422, code: 'reauthentication_not_valid' });
		const right = await user.client.auth.updateUser({ password: 'another-password-1', nonce: code });
		expect(right.error).toBeNull();
		const again = await user.client.auth.updateUser({ password: 'a-third-password-1', nonce: code });
		expect(again.error).toMatchObject({ status: 422, code: 'reauthentication_not_valid' });
		// The password set with the right code is the one that works.
		const signIn = await anonClient().auth.signInWithPassword({ email: user.email, password: 'another-password-1' });
		expect(signIn.error).toBeNull();
	});

	it('refuses a user with no address, and anyone without a session', async () => {
		const guest = anonClient();
		expect((await guest.auth.signInAnonymously()).error).toBeNull();
		expect((await guest.auth.reauthenticate()).error).toMatchObject({
			status: 400,
			message: 'Reauthentication requires the user to have an email or a phone number'
		});
		expect((await anonClient().auth.reauthenticate()).error?.name).toBe('AuthSessionMissingError');
	});
});

describe.skipIf(!isLocalStack)('features this server leaves switched off', () => {
	it('answers SAML, identity linking, ID tokens, Web3 and phone codes as GoTrue does with them off', async () => {
		const user = await signedUpUser('switched-off');
		const sso = await anonClient().auth.signInWithSSO({ domain: 'example.com' });
		expect(sso.error).toMatchObject({ status: 404, message: 'SAML 2.0 is disabled' });

		const link = await user.client.auth.linkIdentity({ provider: 'google', options: { skipBrowserRedirect: true } });
		expect(link.error).toMatchObject({ status: 404, message: 'Manual linking is disabled' });
		const { data } = await user.client.auth.getUserIdentities();
		const unlink = await user.client.auth.unlinkIdentity(data!.identities[0]);
		expect(unlink.error).toMatchObject({ status: 404, message: 'Manual linking is disabled' });
		expect((await user.client.auth.getUserIdentities()).data?.identities).toHaveLength(1);

		const idToken = await anonClient().auth.signInWithIdToken({ provider: 'google', token: 'not-a-token' });
		expect(idToken.error?.message).toBe('Provider (issuer "https://accounts.google.com") is not enabled');

		const phone = await anonClient().auth.verifyOtp({ phone: '15555550100', token: '123456', type: 'sms' });
		expect(phone.error).toMatchObject({ status: 403, message: 'Token has expired or is invalid' });
		const badPhone = await anonClient().auth.verifyOtp({ phone: '555-invalid', token: '123456', type: 'sms' });
		expect(badPhone.error).toMatchObject({ status: 400, message: 'Invalid phone number format (E.164 required)' });
		// Nothing changed: the password still opens the account.
		expect((await anonClient().auth.signInWithPassword({ email: user.email, password: PASSWORD })).error).toBeNull();
	});
});
