// The account page: change the password (the current one first), sign out everywhere, and
// delete the account with every chat, confirmed by typing. With JavaScript and without.
import {
	admin,
	ChatApp,
	expect,
	mailedLink,
	readSession,
	storedFor,
	test,
	uniqueEmail,
	writeSession
} from './support.ts';

for (const javaScript of [true, false]) {
	test.describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled: javaScript });

		test('moves the account to a new email once both addresses confirm', async ({ page }) => {
			const app = await new ChatApp(page, 'account-email', { javaScript }).signUp();
			const newEmail = uniqueEmail('account-moved');
			await app.fromUserMenu('Account');
			await app.ready();
			await page.getByRole('textbox', { name: 'New email' }).fill(newEmail);
			await page.getByRole('button', { name: 'Change email' }).click();
			await expect(page.getByRole('status')).toContainText(`We sent a link to ${newEmail}, and one to ${app.email}.`);

			await page.goto(await mailedLink(newEmail));
			await expect(page).toHaveURL(/\/auth\/confirm$/);
			await app.ready();
			await page.getByRole('button', { name: 'Confirm email change' }).click();
			await expect(page.getByRole('status')).toContainText('This address is confirmed.');
			const halfway = await admin.auth.admin.getUserById(await app.userId());
			expect(halfway.data.user?.email).toBe(app.email);

			await page.goto(await mailedLink(app.email));
			await app.ready();
			await page.getByRole('button', { name: 'Confirm email change' }).click();
			await expect(page).toHaveURL(/\/account\?email-changed$/);
			await expect(page.getByRole('status')).toContainText(`Your account has moved to ${newEmail}.`);
			await expect(app.userMenu).toHaveAccessibleName(`Account menu: ${newEmail}`);

			await app.signOut();
			await app.fillCredentials(newEmail);
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await app.signedIn();
		});

		test('changes the password only with the current one', async ({ page }) => {
			const app = await new ChatApp(page, 'account-pw', { javaScript }).signUp();
			await app.fromUserMenu('Account');
			await app.ready();
			await page.getByLabel('Current password').fill('not-my-password');
			await page.getByLabel('New password').fill('another-password-1');
			await page.getByRole('button', { name: 'Change password' }).click();
			await expect(page.getByRole('alert')).toContainText('That is not your current password.');

			await page.getByLabel('Current password').fill('correct-horse-battery');
			await page.getByLabel('New password').fill('another-password-1');
			await page.getByRole('button', { name: 'Change password' }).click();
			await expect(page.getByRole('status')).toContainText('Your password is changed.');

			await app.signOut();
			await app.fillCredentials();
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await expect(page.getByRole('alert')).toContainText('Wrong email or password.');
			await page.getByLabel('Password').fill('another-password-1');
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await app.signedIn();
		});

		test('deletes the account and its chats, once DELETE is typed', async ({ page }) => {
			const app = await new ChatApp(page, 'account-del', { javaScript }).signUp();
			await app.send('A chat that goes with the account');
			await expect(app.said('Echo: A chat that goes with the account')).toBeVisible();
			await app.settled();
			const userId = await app.userId();
			expect((await storedFor(userId)).sessions).toHaveLength(1);

			await page.goto('/account');
			await app.ready();
			await page.getByLabel('Type DELETE to confirm').fill('delete please');
			await page.getByRole('button', { name: 'Delete my account' }).click();
			await expect(page.getByRole('alert')).toContainText('Type DELETE to confirm.');
			expect((await storedFor(userId)).sessions).toHaveLength(1);

			await page.getByLabel('Type DELETE to confirm').fill('DELETE');
			await page.getByRole('button', { name: 'Delete my account' }).click();
			await expect(page).toHaveURL(/\/login\?reason=account-deleted$/);
			await expect(page.getByRole('status')).toContainText('Your account and all its chats are deleted.');
			expect(await storedFor(userId)).toEqual({ sessions: [], messages: [] });
			expect((await admin.auth.admin.getUserById(userId)).data.user).toBeNull();
			await app.fillCredentials();
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await expect(page.getByRole('alert')).toContainText('Wrong email or password.');
		});
	});
}

test('signs out every device', async ({ page, browser }) => {
	const app = await new ChatApp(page, 'account-everywhere').signUp();
	const otherContext = await browser.newContext();
	const other = new ChatApp(await otherContext.newPage(), 'unused');
	Object.assign(other, { email: app.email });
	await other.signIn();

	await page.goto('/account');
	await app.ready();
	await page.getByRole('button', { name: 'End every session' }).click();
	await expect(page).toHaveURL(/\/login\?reason=signed-out$/);
	// The other device keeps its access token until it expires (pages verify it locally, with no
	// auth request); the renewal then fails, and it is asked to sign in again.
	const held = await readSession(otherContext);
	await writeSession(otherContext, { ...held, expires_at: Math.floor(Date.now() / 1000) - 60 });
	await other.page.goto('/chat');
	await expect(other.page).toHaveURL(/\/login\?redirectTo=%2Fchat&reason=session-ended$/);
	await otherContext.close();
});
