// "Forgot your password?" end to end: the mail comes from the local outbox (Mailpit's API), its
// link sets a new password on Parley's /auth/confirm, and the token never stays in the URL.
import { ChatApp, expect, mailedLink, test } from './support.ts';

async function signOut(app: ChatApp) {
	await app.signOut();
	await expect(app.page).toHaveURL(/\/login/);
}

for (const javaScript of [true, false]) {
	test.describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled: javaScript });

		test('a forgotten password is reset through the mailed link', async ({ page }) => {
			const app = await new ChatApp(page, javaScript ? 'reset' : 'reset-nojs', { javaScript }).signUp();
			await signOut(app);

			await page.getByRole('link', { name: 'Forgot your password?' }).click();
			// The sign-in page has an Email box too: wait until the reset form has replaced it.
			await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
			await app.ready();
			await page.getByRole('textbox', { name: 'Email' }).fill(app.email);
			await page.getByRole('button', { name: 'Send reset link' }).click();
			await expect(page.getByRole('status')).toContainText(`If there is an account for ${app.email}`);

			const requests: string[] = [];
			page.on('request', (request) => requests.push(request.url()));
			await page.goto(await mailedLink(app.email));
			// The token left the address bar at once, and nothing else was asked for with it.
			await expect(page).toHaveURL(/\/auth\/confirm$/);
			expect(requests.filter((url) => url.includes('token_hash')).length).toBe(1);
			await app.ready();
			await page.getByLabel('New password').fill('a-new-password-123');
			await page.getByRole('button', { name: 'Save password' }).click();
			await app.signedIn();

			// The old password no longer works; the new one does.
			await signOut(app);
			await app.fillCredentials();
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await expect(page.getByRole('alert')).toContainText('Wrong email or password.');
			await page.getByLabel('Password').fill('a-new-password-123');
			await page.getByRole('button', { name: 'Sign in', exact: true }).click();
			await app.signedIn();
		});
	});
}

test('a reset link works once, and a bad one says so', async ({ app, page }) => {
	await app.signUp();
	await signOut(app);
	await page.goto('/forgot');
	await app.ready();
	await page.getByRole('textbox', { name: 'Email' }).fill(app.email);
	await page.getByRole('button', { name: 'Send reset link' }).click();
	await expect(page.getByRole('status')).toBeVisible();
	const link = await mailedLink(app.email);

	await page.goto(link);
	await page.getByLabel('New password').fill('first-new-password');
	await page.getByRole('button', { name: 'Save password' }).click();
	await app.signedIn();
	await signOut(app);

	// The same link again: the token is spent, and the password stays as set.
	await page.goto(link);
	await page.getByLabel('New password').fill('second-new-password');
	await page.getByRole('button', { name: 'Save password' }).click();
	await expect(page.getByRole('alert')).toContainText('This link has expired or was already used.');
	await page.goto('/auth/confirm?token_hash=not-a-token&type=recovery');
	await expect(page.getByRole('alert')).toContainText('This link has expired or was already used.');
	await expect(page.getByRole('link', { name: 'Forgot your password?' })).toBeVisible();

	await page.goto('/login');
	await app.fillCredentials();
	await page.getByLabel('Password').fill('first-new-password');
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await app.signedIn();
});

// Login CSRF: an attacker asks for a reset of their own account and sends the link to a victim.
// The page names the account the link is for before anything is spent, and a link whose named
// account was changed to the victim's signs no one in: the session it opens is not the one named.
test('a reset link names its account, and one that names another signs no one in', async ({ app, page, browser }) => {
	const attackerContext = await browser.newContext();
	const attacker = await new ChatApp(await attackerContext.newPage(), 'attacker').signUp();
	await attacker.page.goto('/forgot');
	await attacker.ready();
	await attacker.page.getByRole('textbox', { name: 'Email' }).fill(attacker.email);
	await attacker.page.getByRole('button', { name: 'Send reset link' }).click();
	await expect(attacker.page.getByRole('status')).toBeVisible();
	const link = await mailedLink(attacker.email);
	await attackerContext.close();

	// The victim, signed in to nothing, opens the attacker's link: it says whose account it is.
	await page.goto(link);
	await expect(page.getByText(`For the account ${attacker.email}.`)).toBeVisible();

	// The same token, with the victim's address put in its place.
	await app.signUp();
	await signOut(app);
	const forged = new URL(link, 'http://x');
	forged.searchParams.set('email', app.email);
	await page.goto(forged.pathname + forged.search);
	await expect(page.getByText(`For the account ${app.email}.`)).toBeVisible();
	await app.ready();
	await page.getByLabel('New password').fill('typed-by-the-victim');
	await page.getByRole('button', { name: 'Save password' }).click();
	await expect(page.getByRole('alert')).toContainText('This link does not belong to the account it names');
	expect((await page.context().cookies()).filter((cookie) => cookie.name.startsWith('sb-parley-auth-token'))).toEqual(
		[]
	);
	await page.goto('/chat');
	await expect(page).toHaveURL(/\/login/);

	// Nothing changed: the attacker's password and the victim's both stand.
	for (const person of [attacker, app]) {
		await page.goto('/login');
		await app.ready();
		await app.fillCredentials(person.email);
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await app.signedIn();
		await signOut(app);
	}
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('asking for a second mail within a minute says when to ask again, with Retry-After', async ({ page }) => {
		const app = await new ChatApp(page, 'reset-twice', { javaScript: false }).signUp();
		await signOut(app);
		for (let attempt = 0; attempt < 2; attempt++) {
			await page.goto('/forgot');
			await page.getByRole('textbox', { name: 'Email' }).fill(app.email);
			const answer = page.waitForResponse((response) => response.request().method() === 'POST');
			await page.getByRole('button', { name: 'Send reset link' }).click();
			const response = await answer;
			if (attempt === 0) {
				expect(response.status()).toBe(200);
				await expect(page.getByRole('status')).toBeVisible();
			} else {
				expect(response.status()).toBe(429);
				const retryAfter = Number(response.headers()['retry-after']);
				expect(retryAfter).toBeGreaterThan(50);
				expect(retryAfter).toBeLessThanOrEqual(60);
				await expect(page.getByRole('alert')).toHaveText(
					/^Please wait: you can ask for another mail in (\d+ seconds|1 minute)\.$/
				);
				await expect(page.getByRole('textbox', { name: 'Email' })).toHaveValue(app.email);
			}
		}
	});
});
