// Guest mode: "Try it without an account" signs in anonymously, the guest chats under the guest
// allowance, and adding an email and password on the account page keeps every chat.
import { replyFor } from '../support/fake-provider.ts';
import { admin, ChatApp, expect, PASSWORD, test, uniqueEmail } from './support.ts';

for (const javaScript of [true, false]) {
	test(`a guest chats, then becomes a member and keeps the chat (${javaScript ? 'JavaScript' : 'no JavaScript'})`, async ({
		browser
	}) => {
		const context = await browser.newContext({ javaScriptEnabled: javaScript });
		const page = await context.newPage();
		const app = new ChatApp(page, 'guest', { javaScript });

		await page.goto('/login');
		await app.ready();
		await page.getByRole('button', { name: 'Try it without an account' }).click();
		await app.signedIn();
		await expect(app.userMenu).toHaveAccessibleName('Account menu: Guest');

		await app.send('A question from a guest');
		await expect(app.said(replyFor('A question from a guest'))).toBeVisible();
		await app.settled();
		const chatId = await app.chatId();

		await app.fromUserMenu('Account');
		await expect(page.getByText('1 of 20 replies used in the last 24 hours (the guest allowance).')).toBeVisible();
		await app.ready();
		const email = uniqueEmail('guest-member');
		await page.getByRole('textbox', { name: 'Email' }).fill(email);
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page.getByRole('status')).toContainText(`Your account is ready. Sign in with ${email}`);
		await expect(page.getByText('of 200 replies used')).toBeVisible();
		await expect(app.userMenu).toHaveAccessibleName(`Account menu: ${email}`);

		await app.signOut();
		const member = new ChatApp(page, 'unused', { javaScript });
		await page.goto('/login');
		await member.ready();
		await member.fillCredentials(email);
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await member.signedIn();
		await member.chats.getByRole('link', { name: 'A question from a guest' }).click();
		await expect(page).toHaveURL(new RegExp(`/chat/${chatId}$`));
		await expect(member.said(replyFor('A question from a guest'))).toBeVisible();

		const { data } = await admin.auth.admin.listUsers({ perPage: 1000 });
		expect(data.users.find((user) => user.email === email)?.is_anonymous).toBe(false);
		await context.close();
	});
}

test('a guest cannot take an address that has an account, and stays a guest', async ({ page }) => {
	const taken = uniqueEmail('taken');
	await admin.auth.admin.createUser({ email: taken, password: PASSWORD, email_confirm: true });
	const app = new ChatApp(page, 'guest');
	await page.goto('/login');
	await app.ready();
	await page.getByRole('button', { name: 'Try it without an account' }).click();
	await app.signedIn();
	await app.fromUserMenu('Account');
	await app.ready();
	await page.getByRole('textbox', { name: 'Email' }).fill(taken);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('alert')).toContainText('An account with this email already exists.');
	await expect(page.getByRole('textbox', { name: 'Email' })).toHaveValue(taken);
	await expect(app.userMenu).toHaveAccessibleName('Account menu: Guest');
});
