// Passkeys, through Chromium's virtual authenticator as the device's own (webauthn.ts): add one on
// the account page, sign in with it, and remove it, after which it opens nothing.
import { totpCode } from '../support/totp.ts';
import { ChatApp, expect, test } from './support.ts';
import { localhostOrigin, signUpOnLocalhost, virtualAuthenticator } from './webauthn.ts';

test('adds a passkey, signs in with it, and once it is removed it signs no one in', async ({ page }) => {
	const origin = localhostOrigin();
	const authenticator = await virtualAuthenticator(page, 'device');
	const app = new ChatApp(page, 'passkey');
	await signUpOnLocalhost(app, page, origin);

	await page.goto(`${origin}/account`);
	await app.ready();
	const section = page.getByRole('region', { name: 'Passkeys' });
	await section.getByRole('button', { name: 'Add a passkey' }).click();
	await expect(section.getByRole('status')).toHaveText(/The passkey is added/);
	await expect(section.getByRole('listitem')).toHaveText(/Passkey, added/);
	// The browser's authenticator holds it, made for this site.
	const credentials = await authenticator.credentials();
	expect(credentials.map((credential) => [credential.rpId, credential.isResidentCredential])).toEqual([
		['localhost', true]
	]);

	// Signed out, the passkey alone signs them in: no email, no password.
	await app.signOut();
	await expect(page).toHaveURL(`${origin}/login?reason=signed-out`);
	await app.ready();
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await app.signedIn();
	await app.fromUserMenu('Account');
	await expect(page.getByText(`Signed in as ${app.email}.`)).toBeVisible();

	await section.getByRole('button', { name: 'Remove passkey Passkey' }).click();
	await expect(section.getByRole('status')).toHaveText(/removed/);
	await app.signOut();
	await app.ready();
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(page.getByRole('alert')).toHaveText(/That passkey was not accepted/);
	await expect(page).toHaveURL(/\/login/);
});

test('a passkey stands for the password: someone with an authenticator app still gives its code', async ({ page }) => {
	const origin = localhostOrigin();
	await virtualAuthenticator(page, 'device');
	const app = new ChatApp(page, 'passkey-2fa');
	await signUpOnLocalhost(app, page, origin);
	await page.goto(`${origin}/account`);
	await app.ready();
	await page.getByRole('button', { name: 'Add a passkey' }).click();
	await expect(page.getByRole('region', { name: 'Passkeys' }).getByRole('status')).toHaveText(/added/);
	await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
	const key = (await page.locator('.key code').innerText()).replace(/\s+/g, '');
	const code = (at: number) => totpCode(key, at);
	await page.getByRole('textbox', { name: 'Code from your app' }).fill(code(Date.now()));
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page.getByText('Two-factor sign-in is on')).toBeVisible();

	await app.signOut();
	await app.ready();
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
	await page.goto(`${origin}/chat`);
	await expect(page).toHaveURL(/\/login\/code/);
	await app.ready();
	await page.getByRole('textbox', { name: 'Code' }).fill(code(Date.now() + 30_000));
	await page.getByRole('button', { name: 'Verify' }).click();
	await app.signedIn();
});

// What the pages render without JavaScript does not depend on the target: the worker alone.
test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the sign-in and account pages say a passkey or a security key needs JavaScript, and offer the password', async ({
		page
	}) => {
		await page.goto('/login');
		await expect(page.getByText('Signing in with a passkey needs JavaScript in this browser.')).toBeVisible();
		await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toHaveCount(0);
		await expect(page.getByRole('textbox', { name: 'Email' })).toBeVisible();
		const app = new ChatApp(page, 'passkey-nojs', { javaScript: false });
		await app.signUp();
		await page.goto('/account');
		await expect(
			page.getByRole('region', { name: 'Passkeys' }).getByText('Adding a passkey needs JavaScript in this browser.')
		).toBeVisible();
		// So does a security key; the authenticator app is set up by forms.
		const twoFactor = page.getByRole('region', { name: 'Two-factor sign-in' });
		await expect(twoFactor.getByText('Adding a security key needs JavaScript in this browser.')).toBeVisible();
		await expect(twoFactor.getByRole('button', { name: 'Add a security key' })).toHaveCount(0);
		await expect(twoFactor.getByRole('button', { name: 'Set up an authenticator app' })).toBeVisible();
	});
});
