// The reply quota as a person meets it: the database refuses the turn, the page says why and
// when to try again, and what they typed stays in the composer. The limit is set through
// app_metadata with the admin API, as an operator would for one person.
import { replyFor } from '../support/fake-provider.ts';
import { admin, ChatApp, expect, storedFor, test } from './support.ts';

for (const javaScript of [true, false]) {
	test(`the reply past the quota is refused with when to retry, and the text is kept (${javaScript ? 'JavaScript' : 'no JavaScript'})`, async ({
		browser
	}) => {
		const context = await browser.newContext({ javaScriptEnabled: javaScript });
		const app = await new ChatApp(await context.newPage(), 'quota', { javaScript }).signUp();
		const userId = await app.userId();
		await admin.auth.admin.updateUserById(userId, { app_metadata: { reply_limit: 1 } });

		await app.send('My one question');
		await expect(app.said(replyFor('My one question'))).toBeVisible();
		await app.settled();

		const typed = 'One more, 🙂 please';
		const refused = javaScript
			? app.page.waitForResponse((response) => response.url().endsWith('/api/chat'))
			: app.page.waitForResponse((response) => response.request().method() === 'POST');
		await app.send(typed);
		const response = await refused;
		expect(response.status()).toBe(429);
		const retryAfter = Number(response.headers()['retry-after']);
		expect(retryAfter).toBeGreaterThan(86_000);
		expect(retryAfter).toBeLessThanOrEqual(86_400);

		const alert = app.page.getByRole('alert');
		await expect(alert).toContainText('You have used all 1 reply allowed in 24 hours.');
		await expect(alert).toContainText(/You can send again in (24 hours|23 hours \d+ minutes)\./);
		await expect(app.message).toHaveValue(typed);
		const stored = await storedFor(userId);
		expect(stored.messages.map((message) => message.content)).toEqual(['My one question', replyFor('My one question')]);

		// Raised again by the operator, the same text goes through.
		await admin.auth.admin.updateUserById(userId, { app_metadata: { reply_limit: 5 } });
		await app.page.getByRole('button', { name: 'Send' }).click();
		await expect(app.said(replyFor(typed))).toBeVisible();
		await context.close();
	});
}
