// A provider that fails keeps the person's message and offers a retry that works.
import { replyFor } from '../support/fake-openai.ts';
import { ChatApp, expect, fakeModel, storedFor, test } from './support.ts';

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
