// The chat loop, with JavaScript and without, against the local stack and the fake provider.
import { replyFor } from '../support/fake-provider.ts';
import { ChatApp, expect, fakeModel, storedFor, test, unique } from './support.ts';

// Long enough that its echo streams in many deltas even when the markdown renderer loads late.
const QUESTION =
	'What do the tides have to do with the moon and the sun, and why are there two high tides a day in most places, in a few short sentences?';

test('signs up, streams the first reply, and finds both after a reload', { tag: '@vite' }, async ({ app, page }) => {
	await app.signUpThroughTheForm();
	await app.ready();
	// Its words 40 ms apart: on a dev server still compiling the chat page, a reply streamed at
	// full speed could be whole before the page shows it, and there would be nothing to watch.
	const question = unique(QUESTION);
	await fakeModel.say(question, replyFor(question), 40);

	// Record every length the reply passes through, to see it arrive token by token.
	await page.evaluate(() => {
		const lengths: number[] = [];
		(window as unknown as { replyLengths: number[] }).replyLengths = lengths;
		new MutationObserver(() => {
			const replies = document.querySelectorAll('[aria-label="Conversation"] li.assistant .text');
			const length = replies[replies.length - 1]?.textContent?.length ?? 0;
			if (length && length !== lengths.at(-1)) lengths.push(length);
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
	await app.send(question);
	// The message shows at once, before the reply has finished.
	await expect(app.said(question)).toBeVisible();
	await expect(app.said(replyFor(question))).toBeVisible();
	const lengths = await page.evaluate(() => (window as unknown as { replyLengths: number[] }).replyLengths);
	expect(lengths.length).toBeGreaterThan(3);

	await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
	await expect(app.chats.getByRole('link', { name: question.slice(0, 40) })).toBeVisible();
	await page.reload();
	await expect(app.said(question)).toBeVisible();
	await expect(app.said(replyFor(question))).toBeVisible();

	// The next message continues the same chat.
	await app.send('And the spring tides?');
	await expect(app.said(replyFor('And the spring tides?'))).toBeVisible();
	await app.settled();
	const stored = await storedFor(await app.userId());
	expect(stored.sessions).toHaveLength(1);
	expect(stored.messages.map(({ role, content, status }) => [role, content, status])).toEqual([
		['user', question, 'complete'],
		['assistant', replyFor(question), 'complete'],
		['user', 'And the spring tides?', 'complete'],
		['assistant', replyFor('And the spring tides?'), 'complete']
	]);
});

test.describe('without JavaScript', { tag: '@vite' }, () => {
	test.use({ javaScriptEnabled: false });

	test('the whole loop works through plain form posts', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs', { javaScript: false }).signUpThroughTheForm();
		await app.send(QUESTION);
		// Post/redirect/get: the chat's own page, with the finished reply.
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expect(app.said(QUESTION)).toBeVisible();
		await expect(app.said(replyFor(QUESTION))).toBeVisible();

		await app.send('Second question');
		await expect(app.said(replyFor('Second question'))).toBeVisible();
		await page.reload();
		await expect(app.conversation.getByRole('listitem')).toHaveCount(4);

		await page.getByRole('button', { name: 'New chat' }).click();
		await expect(page).toHaveURL(/\/chat\??$/);
		await app.send('A fresh start');
		await expect(app.said(replyFor('A fresh start'))).toBeVisible();
		await expect(app.chats.getByRole('link')).toHaveCount(2);
		// Newest first.
		await expect(app.chats.getByRole('link').first()).toHaveText('A fresh start');
	});

	test('bad input gets a clear message and keeps what was typed', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-bad', { javaScript: false }).signUp();
		await app.send('   ');
		await expect(page.getByRole('alert')).toHaveText('Write a message first.');

		const long = 'a'.repeat(8001);
		await app.send(long);
		await expect(page.getByRole('alert')).toHaveText('Messages can be at most 8,000 characters long.');
		await expect(app.message).toHaveValue(long);
		expect(await storedFor(await app.userId())).toEqual({ sessions: [], messages: [] });
	});

	test('a double submit stores one message', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-double', { javaScript: false }).signUp();
		await app.message.fill('Only once, please');
		// The same rendered form, posted twice: the browser re-sends the same message id.
		const form = page.locator('form.composer');
		const fields = Object.fromEntries(
			await form.evaluate((element: HTMLFormElement) => [...new FormData(element)].map(([k, v]) => [k, String(v)]))
		);
		const origin = new URL(page.url()).origin;
		const post = () =>
			page.request.post('/chat?/send', { form: fields, headers: { origin, accept: 'text/html' }, maxRedirects: 0 });
		const [first, second] = await Promise.all([post(), post()]);
		expect([first.status(), second.status()]).toEqual([303, 303]);
		expect(first.headers().location).toBe(second.headers().location);
		const stored = await storedFor(await app.userId());
		expect(stored.sessions).toHaveLength(1);
		expect(stored.messages.filter((message) => message.role === 'user')).toHaveLength(1);
		expect(stored.messages.filter((message) => message.role === 'assistant')).toHaveLength(1);
	});
});

test('a malformed or unknown chat id is a 404 page, not a 500', { tag: '@vite' }, async ({ app, page }) => {
	await app.signUp();
	for (const path of ['/chat/not-a-uuid', '/chat/00000000-0000-4000-8000-000000000000', "/chat/1' or '1'='1"]) {
		const response = await page.goto(path);
		expect(response?.status()).toBe(404);
		await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
	}
});

test('empty and oversized messages are refused before sending, with the text kept', async ({ app, page }) => {
	await app.signUp();
	await app.send('');
	await expect(page.getByRole('alert')).toHaveText('Write a message first.');
	const long = 'b'.repeat(8001);
	await app.send(long);
	await expect(page.getByRole('alert')).toHaveText('Messages can be at most 8,000 characters long.');
	await expect(app.message).toHaveValue(long);
	expect(await storedFor(await app.userId())).toEqual({ sessions: [], messages: [] });
});

test('a finished reply stays on screen without reloading the page’s data', async ({ app, page }) => {
	await app.signUp();
	await app.send('First chat');
	await expect(app.said(replyFor('First chat'))).toBeVisible();
	await app.settled();
	await page.goto('/chat');
	await app.send('Second chat');
	await expect(app.said(replyFor('Second chat'))).toBeVisible();
	await app.settled();
	const second = await app.chatId();

	const dataRequests: string[] = [];
	page.on('request', (request) => {
		if (request.url().includes('__data.json')) dataRequests.push(request.url());
	});
	// Back in the first chat, a new message moves it to the top of the list.
	await app.chats.getByRole('link', { name: 'First chat' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('First chat');
	const navigations = dataRequests.length;
	await app.send('Again');
	await expect(app.said(replyFor('Again'))).toBeVisible();
	await app.settled();
	expect(dataRequests.length).toBe(navigations);
	await expect(app.chats.getByRole('link')).toHaveText(['First chat', 'Second chat']);

	// What a reload shows is what was on screen.
	const shown = await app.conversation.getByRole('listitem').allInnerTexts();
	await page.reload();
	await expect(app.conversation.getByRole('listitem')).toHaveText(shown);
	await expect(app.chats.getByRole('link')).toHaveText(['First chat', 'Second chat']);
	expect(second).not.toBe(await app.chatId());
});

test('messages sent one after another on the same page are each stored', async ({ app, page }) => {
	await app.signUp();
	for (const text of ['One', 'Two', 'Three']) {
		await app.send(text);
		await expect(app.said(replyFor(text))).toBeVisible();
		await app.settled();
	}
	const stored = await storedFor(await app.userId());
	expect(stored.messages.filter((message) => message.role === 'user').map((message) => message.content)).toEqual([
		'One',
		'Two',
		'Three'
	]);
	await page.reload();
	for (const text of ['One', 'Two', 'Three']) await expect(app.said(replyFor(text))).toBeVisible();
});

test('Enter while a reply is being written sends nothing, shows no error, and keeps the text', async ({
	app,
	page
}) => {
	await app.signUp();
	const longOne = unique('A long one');
	await fakeModel.say(longOne, Array.from({ length: 120 }, (_, index) => `w${index}`).join(' '));
	await app.send(longOne);
	await expect(app.conversation.getByText(/w5\b/)).toBeVisible();
	await app.message.fill('Sent too early');
	await app.message.press('Enter');
	await expect(app.message).toHaveValue('Sent too early');
	await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
	await app.settled();
	await expect(page.getByRole('alert')).toHaveCount(0);
	await expect(app.message).toHaveValue('Sent too early');
	const stored = await storedFor(await app.userId());
	expect(stored.messages.some((message) => message.content === 'Sent too early')).toBe(false);
	await page.getByRole('button', { name: 'Send' }).click();
	await expect(app.said(replyFor('Sent too early'))).toBeVisible();
});

test.describe('copy buttons', () => {
	const REPLY = 'Here it is:\n\n```js\nconst answer = 42;\n```\n\nAnd **done**.';

	test('copy a code block and a whole reply, streamed and after a reload', async ({ app, page, context }) => {
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await app.signUp();
		const ask = unique('Show me code');
		await fakeModel.say(ask, REPLY);
		await app.send(ask);
		await expect(app.conversation.getByText('const answer = 42;')).toBeVisible();
		await app.settled();
		const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
		for (const pass of ['streamed', 'after reload']) {
			if (pass === 'after reload') await page.reload();
			await app.ready();
			await app.conversation.getByRole('button', { name: 'Copy code' }).click();
			await expect(app.conversation.getByRole('status')).toHaveText('Copied.');
			expect(await clipboard(), pass).toBe('const answer = 42;\n');
			await app.conversation.getByRole('button', { name: 'Copy reply' }).click();
			await expect.poll(clipboard, { message: pass }).toBe(REPLY);
		}
		// The person's own messages have no copy button; the reply has exactly one of each.
		await expect(app.conversation.getByRole('button', { name: 'Copy reply' })).toHaveCount(1);
		await expect(app.conversation.getByRole('button', { name: 'Copy code' })).toHaveCount(1);
	});

	test.describe('without JavaScript', () => {
		test.use({ javaScriptEnabled: false });

		test('no copy button is drawn, since none could work', async ({ page }) => {
			const app = await new ChatApp(page, 'nojs-copy', { javaScript: false }).signUp();
			const ask = unique('Show me code');
			await fakeModel.say(ask, REPLY);
			await app.send(ask);
			await expect(app.conversation.getByText('const answer = 42;')).toBeVisible();
			await expect(page.getByRole('button', { name: /^Copy/ })).toHaveCount(0);
		});
	});
});
