// A reasoning model's thinking: folded away above the answer as it streams ("Thinking… N s"), then
// "Thought for N s"; kept across a reload, a Stop and a broken stream; never sent back to the
// model; a plain <details> without JavaScript; and in a share only when its owner ticks the box.
// The fake model streams the thoughts as an OpenAI-compatible server does (reasoning_content
// deltas); reply.test.ts covers the other formats.
import type { Locator } from '@playwright/test';
import { ChatApp, expect, fakeModel, test, unique } from './support.ts';

const THOUGHT = 'The moon pulls the near side of the sea hardest, so the water heaps up there.';

const reply = (app: ChatApp) => app.conversation.getByRole('listitem').nth(1);
const thinking = (message: Locator) => message.getByRole('group').filter({ has: message.page().locator('summary') });
const summary = (message: Locator) => message.locator('summary');

async function expectThought(message: Locator, words: string) {
	const disclosure = thinking(message);
	await expect(summary(message)).toHaveText(/^Thought for \d+ s$/);
	// Closed by default: the thinking is there, not in the way.
	await expect(disclosure.getByText(words)).toBeHidden();
	await summary(message).click();
	await expect(disclosure.getByText(words)).toBeVisible();
	await summary(message).click();
	await expect(disclosure.getByText(words)).toBeHidden();
}

test('thinking streams into a closed disclosure, which then says how long it took; it is never sent back', async ({
	app,
	page
}) => {
	await app.signUp();
	const ask = unique('Why are there tides?');
	// Fifteen words 150 ms apart: the model thinks for about two seconds before answering.
	await fakeModel.say(ask, 'Because of the moon.', 150, THOUGHT);
	await app.send(ask);
	await expect(summary(reply(app))).toHaveText(/^Thinking… \d+ s$/);
	await app.settled();
	await expect(reply(app)).toContainText('Because of the moon.');
	await expectThought(reply(app), THOUGHT);
	// The answer alone is the reply: the thinking is not part of its text.
	await expect(reply(app).locator('.markdown')).toHaveText('Because of the moon.');

	await page.reload();
	await expectThought(reply(app), THOUGHT);

	const next = unique('And the spring tides?');
	await app.send(next);
	await app.settled();
	const [call] = await fakeModel.calls(next);
	expect(call.messages.map((message) => message.content).join('\n')).not.toContain('heaps up');
	expect(call.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
});

test(
	'a reload in the middle of a thought picks the thinking up and follows it',
	{ tag: '@vite' },
	async ({ app, page }) => {
		await app.signUp();
		const ask = unique('Think slowly');
		// About 8 s of thinking: the reload must come while it lasts, on a busy machine too (at 300
		// ms a word, a CI run under vite once reloaded after the thought had ended).
		await fakeModel.say(ask, 'Done thinking.', 500, THOUGHT);
		await app.send(ask);
		await expect(summary(reply(app))).toHaveText(/^Thinking… \d+ s$/);
		await app.chatId();
		await summary(reply(app)).click();
		await expect(thinking(reply(app))).toContainText('The moon pulls');
		await page.reload();
		// Still thinking after the reload, with what was thought so far.
		await expect(summary(reply(app))).toHaveText(/^Thinking… \d+ s$/);
		await summary(reply(app)).click();
		await expect(thinking(reply(app))).toContainText('The moon pulls');
		await summary(reply(app)).click();
		await app.settled();
		await expect(reply(app)).toContainText('Done thinking.');
		await expectThought(reply(app), THOUGHT);
	}
);

test('Stop in the middle of a thought keeps what was thought', async ({ app, page }) => {
	await app.signUp();
	const ask = unique('Think forever');
	await fakeModel.say(ask, 'Never reached.', 400, THOUGHT);
	await app.send(ask);
	await expect(summary(reply(app))).toHaveText(/^Thinking… \d+ s$/);
	// Opened while the model thinks, it shows the thoughts as they come.
	await summary(reply(app)).click();
	await expect(thinking(reply(app))).toContainText('The moon pulls');
	await page.getByRole('button', { name: 'Stop' }).click();
	await expect(reply(app)).toContainText('You stopped this reply.');
	await expect(reply(app)).not.toContainText('Never reached.');
	await page.reload();
	await expect(summary(reply(app))).toHaveText(/^Thought for \d+ s$/);
	await summary(reply(app)).click();
	await expect(thinking(reply(app))).toContainText('The moon pulls');
});

test('a stream that breaks mid-thought keeps the thinking, and Retry answers', async ({ app }) => {
	await app.signUp();
	const ask = unique('Think and fall');
	await fakeModel.say(ask, 'Never said.', 20, 'first second third fourth');
	await fakeModel.fail(ask, 'mid-stream');
	await app.send(ask);
	await expect(app.page.getByRole('button', { name: 'Retry' })).toBeVisible();
	await summary(reply(app)).click();
	await expect(thinking(reply(app))).toContainText('first second');
	await app.page.getByRole('button', { name: 'Retry' }).click();
	await app.settled();
	await expect(reply(app)).toContainText(`Echo: ${ask}`);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the thinking is a disclosure that opens and closes, and is shared only by choice', async ({ page }) => {
		const app = await new ChatApp(page, 'thinking', { javaScript: false }).signUp();
		const ask = unique('Think without scripts');
		await fakeModel.say(ask, 'Plainly.', 5, THOUGHT);
		await app.send(ask);
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		const chatUrl = page.url();
		await expect(reply(app)).toContainText('Plainly.');
		await expectThought(reply(app), THOUGHT);

		const sharedReply = page.getByRole('list', { name: 'Conversation' }).getByRole('listitem').nth(1);
		await page.goto(await app.share());
		await expect(sharedReply).toContainText('Plainly.');
		await expect(sharedReply.locator('summary')).toHaveCount(0);
		await expect(page.getByText('The moon pulls')).toHaveCount(0);

		await page.goto(`${chatUrl}?share`);
		await page.goto(await app.share({ withThinking: true }));
		await expectThought(sharedReply, THOUGHT);
	});
});
