// A provider that fails keeps the person's message and offers a retry that works.
import { replyFor } from '../support/fake-provider.ts';
import { ChatApp, expect, fakeModel, setDatabaseDown, storedFor, test } from './support.ts';

const QUESTION = 'Tell me one two three four five six';

test('a stream that breaks midway keeps the message and the retry completes it', async ({ app, page }) => {
	await app.signUp();
	await fakeModel.failNext('mid-stream');
	await app.send(QUESTION);
	await expect(page.getByRole('alert')).toContainText('This reply failed before it finished.');
	await expect(app.said(QUESTION)).toBeVisible();
	// What arrived before the break is kept.
	await expect(app.conversation.getByText('Echo: Tell', { exact: true })).toBeVisible();

	await page.reload();
	await expect(app.said(QUESTION)).toBeVisible();
	await page.getByRole('button', { name: 'Retry' }).click();
	await expect(app.said(replyFor(QUESTION))).toBeVisible();
	await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);

	const stored = await storedFor(await app.userId());
	expect(stored.messages.map(({ role, content, status }) => [role, content, status])).toEqual([
		['user', QUESTION, 'complete'],
		['assistant', replyFor(QUESTION), 'complete']
	]);
	// The retry sent the model the conversation without the failed attempt.
	const calls = await fakeModel.calls();
	expect(calls.at(-1)?.messages).toEqual([{ role: 'user', content: QUESTION }]);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a provider error keeps the message and the retry button works', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-fail', { javaScript: false }).signUp();
		await fakeModel.failNext('status');
		await app.send(QUESTION);
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expect(app.said(QUESTION)).toBeVisible();
		await expect(page.getByRole('alert')).toContainText('This reply failed before it finished.');
		await page.getByRole('button', { name: 'Retry' }).click();
		await expect(app.said(replyFor(QUESTION))).toBeVisible();
		await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
	});
});

test.describe('when the database goes away', () => {
	test.afterEach(async () => {
		await setDatabaseDown(false);
	});

	for (const javaScript of [true, false]) {
		test(`what was typed stays in the composer, with an error id (${javaScript ? 'JavaScript' : 'no JavaScript'})`, async ({
			browser
		}) => {
			const context = await browser.newContext({ javaScriptEnabled: javaScript });
			const app = await new ChatApp(await context.newPage(), 'outage', { javaScript }).signUp();
			await app.send('Before the outage');
			await expect(app.said(replyFor('Before the outage'))).toBeVisible();
			await app.settled();

			await setDatabaseDown(true);
			const typed = 'Written during the outage, 🙂 keep me';
			await app.send(typed);
			await expect(app.page.getByRole('alert')).toContainText('cannot reach its database');
			await expect(app.page.getByRole('alert')).toContainText(/error [0-9a-f]{8}/);
			await expect(app.message).toHaveValue(typed);

			await setDatabaseDown(false);
			await app.page.getByRole('button', { name: 'Send' }).click();
			await expect(app.said(typed)).toBeVisible();
			await expect(app.said(replyFor(typed))).toBeVisible();
			const stored = await storedFor(await app.userId());
			expect(stored.messages.filter((message) => message.content === typed)).toHaveLength(1);
			await context.close();
		});
	}
});
