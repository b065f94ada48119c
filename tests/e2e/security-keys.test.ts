// A security key as the second factor, through Chromium's virtual authenticator as a USB key
// (webauthn.ts): added on the account page, its touch completes a password sign-in, and once it is
// removed the password alone opens the app again.
import { ChatApp, expect, test } from './support.ts';
import { localhostOrigin, signUpOnLocalhost, virtualAuthenticator } from './webauthn.ts';

test('adds a security key, completes a sign-in with its touch, and removes it', async ({ page }) => {
	const origin = localhostOrigin();
	const authenticator = await virtualAuthenticator(page, 'usb key');
	const app = new ChatApp(page, 'security-key');
	await signUpOnLocalhost(app, page, origin);

	await page.goto(`${origin}/account`);
	await app.ready();
	const section = page.getByRole('region', { name: 'Two-factor sign-in' });
	await section.getByRole('button', { name: 'Add a security key' }).click();
	await expect(section.getByRole('status')).toHaveText(/The security key is added/);
	await expect(section.getByRole('listitem')).toHaveText(/Security key, added/);
	// An authenticator app can still be added beside it.
	await expect(section.getByRole('button', { name: 'Set up an authenticator app' })).toBeVisible();
	const credentials = await authenticator.credentials();
	expect(credentials.map((credential) => [credential.rpId, credential.isResidentCredential])).toEqual([
		['localhost', false]
	]);

	// The password alone now leads to the second step, which asks for the key and no code.
	await app.signOut();
	await app.ready();
	await app.fillCredentials();
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
	await expect(page.getByText('Use your security key.')).toBeVisible();
	await expect(page.getByRole('textbox', { name: 'Code' })).toHaveCount(0);
	await page.goto(`${origin}/chat`);
	await expect(page).toHaveURL(/\/login\/code/);
	await app.ready();
	await page.getByRole('button', { name: 'Use your security key' }).click();
	await app.signedIn();
	// The key signed: its count went up.
	const [used] = await authenticator.credentials();
	expect(used.signCount).toBeGreaterThan(credentials[0].signCount);

	await app.fromUserMenu('Account');
	await section.getByRole('button', { name: /Remove security key added/ }).click();
	await expect(section.getByRole('status')).toHaveText('The security key is removed.');
	await expect(section.getByRole('listitem')).toHaveCount(0);
	await app.signOut();
	await app.ready();
	await app.fillCredentials();
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await app.signedIn();
});
