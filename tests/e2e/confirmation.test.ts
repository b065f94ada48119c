// An account that has not confirmed its address: signing in offers to send the link again, the
// mail comes from the local outbox, and its link confirms the address on Parley's /auth/confirm,
// only when the person presses Confirm email (a mail scanner that fetches the link spends nothing).
import { admin, ChatApp, expect, mailedLink, PASSWORD, test } from './support.ts';

for (const javaScript of [true, false]) {
	test(`an unconfirmed account is confirmed through the mailed link (${javaScript ? 'JavaScript' : 'no JavaScript'})`, async ({
		browser
	}) => {
		const context = await browser.newContext({ javaScriptEnabled: javaScript });
		const page = await context.newPage();
		const app = new ChatApp(page, 'unconfirmed', { javaScript });
		const created = await admin.auth.admin.createUser({ email: app.email, password: PASSWORD });
		expect(created.error).toBeNull();

		await page.goto('/login');
		await app.ready();
		await app.fillCredentials();
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await expect(page.getByRole('alert')).toContainText('Confirm your email address first');
		await page.getByRole('button', { name: 'Send the link again' }).click();
		await expect(page.getByRole('status')).toContainText(`Check your inbox: we sent a link to confirm ${app.email}.`);

		const link = await mailedLink(app.email);
		expect(link).toMatch(/^\/auth\/confirm\?token_hash=[0-9a-f]+&type=email&email=[^&]+$/);
		// A scanner opening the link, without this browser's cookies, spends nothing.
		expect((await context.request.fetch(link, { maxRedirects: 0 })).status()).toBe(303);

		await page.goto(link);
		await expect(page).toHaveURL(/\/auth\/confirm$/);
		await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
		await app.ready();
		await page.getByRole('button', { name: 'Confirm email' }).click();
		await app.signedIn();
		const { data } = await admin.auth.admin.getUserById(created.data.user!.id);
		expect(data.user?.email_confirmed_at).toBeTruthy();

		// Spent: the same link confirms nothing a second time.
		await app.signOut();
		await page.goto(link);
		await page.getByRole('button', { name: 'Confirm email' }).click();
		await expect(page.getByRole('alert')).toContainText('This link has expired or was already used.');
		await context.close();
	});
}
