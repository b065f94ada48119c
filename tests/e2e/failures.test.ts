// A provider that fails keeps the person's message and offers a retry that works; a database that
// goes away loses nothing typed, and a read that meets it fails at once, not retried.
import { randomUUID } from 'node:crypto';
import { replyFor } from '../support/fake-provider.ts';
import {
	ChatApp,
	databaseRequestsFor,
	expect,
	fakeModel,
	setDatabaseDown,
	storedFor,
	test,
	unique
} from './support.ts';

const QUESTION = 'Tell me one two three four five six';

test(
	'a stream that breaks midway keeps the message and the retry completes it',
	{ tag: '@vite' },
	async ({ app, page }) => {
		const question = unique(QUESTION);
		await app.signUp();
		await fakeModel.fail(question, 'mid-stream');
		await app.send(question);
		await expect(page.getByRole('alert')).toContainText('This reply failed before it finished.');
		await expect(app.said(question)).toBeVisible();
		// What arrived before the break is kept.
		await expect(app.conversation.getByText('Echo: Tell', { exact: true })).toBeVisible();

		await page.reload();
		await expect(app.said(question)).toBeVisible();
		await page.getByRole('button', { name: 'Retry' }).click();
		await expect(app.said(replyFor(question))).toBeVisible();
		await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
		// The last words show before the reply's final write lands; the composer frees after it.
		await app.settled();

		const stored = await storedFor(await app.userId());
		expect(stored.messages.map(({ role, content, status }) => [role, content, status])).toEqual([
			['user', question, 'complete'],
			['assistant', replyFor(question), 'complete']
		]);
		// The retry sent the model the conversation without the failed attempt.
		const calls = await fakeModel.calls(question);
		expect(calls.at(-1)?.messages).toEqual([{ role: 'user', content: question }]);
	}
);

test.describe('without JavaScript', { tag: '@vite' }, () => {
	test.use({ javaScriptEnabled: false });

	test('a provider error keeps the message and the retry button works', async ({ page }) => {
		const question = unique(QUESTION);
		const app = await new ChatApp(page, 'nojs-fail', { javaScript: false }).signUp();
		await fakeModel.fail(question, 'status');
		await app.send(question);
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expect(app.said(question)).toBeVisible();
		await expect(page.getByRole('alert')).toContainText('This reply failed before it finished.');
		await page.getByRole('button', { name: 'Retry' }).click();
		await expect(app.said(replyFor(question))).toBeVisible();
		await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
	});
});

test.describe('when the database goes away', { tag: '@vite' }, () => {
	test('a read is refused at once, with an error id, and is not retried', async ({ app, page }) => {
		await app.signUp();
		const userId = await app.userId();
		const before = (await databaseRequestsFor(userId)).length;
		await setDatabaseDown(userId, true);
		try {
			// Following a reply reads it with a GET, which postgrest-js would retry, 1, 2 and 4 s apart.
			const response = await page.request.get(`/api/chat/replies/${randomUUID()}`);
			expect(response.status()).toBe(503);
			const { error } = (await response.json()) as { error: { message: string; errorId: string } };
			expect(error.message).toContain('cannot reach its database');
			expect(error.errorId).toMatch(/^[0-9a-f]{8}$/);
			// workerd may send the same request again on a fresh connection when a pooled one turns out
			// closed; postgrest-js's own retries say so (X-Retry-Count), and there must be none.
			const asked = (await databaseRequestsFor(userId)).slice(before);
			expect(asked.length).toBeGreaterThan(0);
			for (const request of asked) expect(request).toBe('GET /chat_messages');
		} finally {
			await setDatabaseDown(userId, false);
		}
	});

	for (const javaScript of [true, false]) {
		test(`what was typed stays in the composer, with an error id (${javaScript ? 'JavaScript' : 'no JavaScript'})`, async ({
			browser
		}) => {
			const context = await browser.newContext({ javaScriptEnabled: javaScript });
			const app = await new ChatApp(await context.newPage(), 'outage', { javaScript }).signUp();
			const userId = await app.userId();
			await app.send('Before the outage');
			await expect(app.said(replyFor('Before the outage'))).toBeVisible();
			await app.settled();

			await setDatabaseDown(userId, true);
			const typed = 'Written during the outage, 🙂 keep me';
			await app.send(typed);
			await expect(app.page.getByRole('alert')).toContainText('cannot reach its database');
			await expect(app.page.getByRole('alert')).toContainText(/error [0-9a-f]{8}/);
			await expect(app.message).toHaveValue(typed);

			await setDatabaseDown(userId, false);
			await app.page.getByRole('button', { name: 'Send' }).click();
			await expect(app.said(typed)).toBeVisible();
			await expect(app.said(replyFor(typed))).toBeVisible();
			const stored = await storedFor(userId);
			expect(stored.messages.filter((message) => message.content === typed)).toHaveLength(1);
			await context.close();
		});
	}
});
