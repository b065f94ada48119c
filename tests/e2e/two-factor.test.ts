// Two-factor sign-in with an authenticator app, as a person goes through it: set up on the account
// page (the test computes codes from the key the page shows, as an app does), sign out, sign in
// with the password and then the code, a wrong code refused, and the app removed again. With
// JavaScript and without, on both targets.
import { totpCode as codeFor } from '../support/totp.ts';
import { ChatApp, expect, test } from './support.ts';

async function journey(app: ChatApp) {
	const { page } = app;
	await app.signUp();
	await page.goto('/account');
	const section = page.getByRole('region', { name: 'Two-factor sign-in' });
	await section.getByRole('button', { name: 'Set up an authenticator app' }).click();
	await expect(section.getByRole('img', { name: 'QR code to add Parley to an authenticator app' })).toBeVisible();
	const key = (await section.locator('.key code').innerText()).trim();
	expect(key.replace(/\s+/g, '')).toMatch(/^[A-Z2-7]{32}$/);

	// A wrong first code keeps the setup on the page.
	await section.getByRole('textbox', { name: 'Code from your app' }).fill(codeFor(key, Date.now() - 5 * 60_000));
	await section.getByRole('button', { name: 'Confirm' }).click();
	await expect(section.getByRole('alert')).toHaveText(/That code is not right/);
	await section.getByRole('textbox', { name: 'Code from your app' }).fill(codeFor(key));
	await section.getByRole('button', { name: 'Confirm' }).click();
	await expect(section.getByRole('status')).toHaveText(/Two-factor sign-in is on/);
	await expect(section.getByRole('listitem')).toHaveCount(1);

	// The password alone is one step of two; the app stays shut until the code.
	await app.signOut();
	await page.goto('/login');
	await app.ready();
	await app.fillCredentials();
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
	await page.goto('/chat');
	await expect(page).toHaveURL(/\/login\/code\?redirectTo=%2Fchat/);
	await app.ready();
	await page.getByRole('textbox', { name: 'Code' }).fill('000000');
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByRole('alert')).toHaveText(/That code is not right/);
	// The code the setup spent is spent; the next one is not.
	await page.getByRole('textbox', { name: 'Code' }).fill(codeFor(key, Date.now() + 30_000));
	await page.getByRole('button', { name: 'Verify' }).click();
	await app.signedIn();

	await page.goto('/account');
	await section.getByRole('button', { name: 'Remove' }).click();
	await expect(section.getByRole('status')).toHaveText(/removed/);
	await expect(section.getByRole('button', { name: 'Set up an authenticator app' })).toBeVisible();
	await app.signOut();
	await app.signIn();
}

test('sets up an authenticator app, signs in with its code, refuses a wrong one, and removes it', async ({ app }) => {
	await journey(app);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the same, through plain forms', async ({ page }) => {
		await journey(new ChatApp(page, 'two-factor-nojs', { javaScript: false }));
	});
});
