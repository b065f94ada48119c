// Replies that outlive the request that started them: Stop (button, Esc, another tab, no
// JavaScript), a reload or a second tab following the reply live, and a reply finished and
// stored after its tab is closed. The fake model spaces its words out, so each reply takes a while.
import { admin, ChatApp, expect, fakeModel, test, unique } from './support.ts';

const LONG = Array.from({ length: 40 }, (_, index) => `word${index + 1}`).join(' ');
const SHORT = Array.from({ length: 12 }, (_, index) => `part${index + 1}`).join(' ');
const MEDIUM = Array.from({ length: 24 }, (_, index) => `part${index + 1}`).join(' ');

/** The stored reply of the chat's one turn. */
async function storedReply(app: ChatApp) {
	const { data } = await admin
		.from('chat_messages')
		.select('id, content, status')
		.eq('session_id', await app.chatId())
		.eq('role', 'assistant')
		.single();
	return data!;
}

const assistant = (app: ChatApp) => app.conversation.getByRole('listitem').filter({ hasText: 'Assistant' }).last();

test('Stop keeps what was written and marks the reply stopped', { tag: '@vite' }, async ({ app, page }) => {
	await app.signUp();
	const count = unique('Count slowly');
	await fakeModel.say(count, LONG, 150);
	await app.send(count);
	await expect(assistant(app)).toContainText('word3');
	await page.getByRole('button', { name: 'Stop' }).click();
	await expect(assistant(app)).toContainText('You stopped this reply.');
	await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
	// A stopped reply keeps its text: it is written again beside it, not in its place.
	await expect(assistant(app).getByRole('button', { name: 'Regenerate' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);

	await expect.poll(async () => (await storedReply(app)).status).toBe('stopped');
	const stored = await storedReply(app);
	expect(stored.content).toMatch(/^word1 word2 word3/);
	expect(stored.content.length).toBeLessThan(LONG.length);
	// After a reload it is still stopped, with its text.
	await page.reload();
	await expect(assistant(app)).toContainText('You stopped this reply.');
	await expect(assistant(app)).toContainText('word3');
});

test('Esc stops the reply being written', async ({ app, page }) => {
	await app.signUp();
	const countAgain = unique('Count slowly again');
	await fakeModel.say(countAgain, LONG, 150);
	await app.send(countAgain);
	await expect(assistant(app)).toContainText('word2');
	await page.keyboard.press('Escape');
	await expect(assistant(app)).toContainText('You stopped this reply.');
	await expect.poll(async () => (await storedReply(app)).status).toBe('stopped');
});

test('Stop ends a reply at once while the model is silent', { tag: '@vite' }, async ({ app, page }) => {
	await app.signUp();
	const ponder = unique('Ponder this');
	// One word, then 20 s of silence: no progress is written meanwhile, so only the stop itself,
	// carried to where the reply is written (the Durable Object on the worker), can end it soon.
	await fakeModel.say(ponder, 'Hmm, well', 20_000);
	await app.send(ponder);
	await expect(assistant(app)).toContainText('Hmm,');
	// Stored once: the writer has nothing more to write until its heartbeat, 10 s after it began.
	await expect.poll(async () => (await storedReply(app)).content).toBe('Hmm, ');
	await page.getByRole('button', { name: 'Stop' }).click();
	// Well before the heartbeat, which would otherwise be the first to hear of the stop.
	await expect(assistant(app)).toContainText('You stopped this reply.', { timeout: 4_000 });
	expect(await storedReply(app)).toMatchObject({ content: 'Hmm, ', status: 'stopped' });
});

test('a reload mid-reply shows what was written and follows the rest live', { tag: '@vite' }, async ({ app, page }) => {
	await app.signUp();
	const parts = unique('Tell me in parts');
	// Six seconds of reply, so that a reload on a loaded machine (2 to 3 s under vite dev, seen in
	// CI) still finds it being written.
	await fakeModel.say(parts, MEDIUM, 250);
	await app.send(parts);
	await expect(assistant(app)).toContainText('part2');
	const followed = page.waitForResponse((response) => response.url().includes('/api/chat/replies/'));
	await page.reload();
	await app.ready();
	// On the worker the reply's Durable Object relays its events to the follower, with no database
	// reads; under vite dev the follower reads the database.
	const source = test.info().project.name === 'worker' ? 'durable-object' : 'database';
	expect((await followed).headers()['x-reply-follow']).toBe(source);
	await expect(assistant(app)).toContainText('part2');
	await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
	await expect(assistant(app)).toContainText('part24', { timeout: 15_000 });
	await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
	await expect(assistant(app)).not.toContainText('interrupted');
	expect(await storedReply(app)).toMatchObject({ content: MEDIUM, status: 'complete' });
});

test('a second tab follows the same reply and can stop it', { tag: '@vite' }, async ({ app, page, context }) => {
	await app.signUp();
	const share = unique('Share this');
	await fakeModel.say(share, LONG, 200);
	await app.send(share);
	await expect(assistant(app)).toContainText('word2');

	await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
	const second = new ChatApp(await context.newPage(), 'second');
	await second.page.goto(page.url());
	await second.ready();
	await expect(assistant(second)).toContainText('word5');
	await second.page.getByRole('button', { name: 'Stop' }).click();
	await expect(assistant(second)).toContainText('You stopped this reply.');
	// The first tab, whose request writes the reply, ends it stopped as well.
	await expect(assistant(app)).toContainText('You stopped this reply.');
	await expect.poll(async () => (await storedReply(app)).status).toBe('stopped');
});

// On the worker one Durable Object writes all of a person's replies: two at once, in two chats,
// each reach their own tab, and a reload follows the right one.
test(
	'two replies of one person at once, in two chats, each go to their own chat',
	{ tag: '@vite' },
	async ({ app, page, context }) => {
		await app.signUp();
		const alpha = Array.from({ length: 40 }, (_, index) => `alpha${index + 1}`).join(' ');
		const beta = Array.from({ length: 40 }, (_, index) => `beta${index + 1}`).join(' ');
		const first = unique('First at once');
		const second = unique('Second at once');
		// The first reply must still run when its tab is reloaded, after the second has begun: the
		// other tab is opened first, and the first reply is the slower (12 s against 8 s), so that a
		// busy machine does not see it end before the reload.
		await fakeModel.say(first, alpha, 300);
		await fakeModel.say(second, beta, 200);
		const other = new ChatApp(await context.newPage(), 'other');
		await other.page.goto('/chat');
		await other.ready();
		await app.send(first);
		await expect(assistant(app)).toContainText('alpha1');

		await other.send(second);
		await expect(assistant(other)).toContainText('beta1');
		await expect(other.page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);

		const followed = page.waitForResponse((response) => response.url().includes('/api/chat/replies/'));
		await page.reload();
		await app.ready();
		const source = test.info().project.name === 'worker' ? 'durable-object' : 'database';
		expect((await followed).headers()['x-reply-follow']).toBe(source);
		await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
		await expect(assistant(app)).toContainText('alpha40', { timeout: 20_000 });
		await expect(assistant(other)).toContainText('beta40', { timeout: 20_000 });
		await expect(assistant(app)).not.toContainText('beta');
		await expect(assistant(other)).not.toContainText('alpha');
		await expect.poll(() => storedReply(app)).toMatchObject({ content: alpha, status: 'complete' });
		await expect.poll(() => storedReply(other)).toMatchObject({ content: beta, status: 'complete' });
	}
);

test(
	'closing the tab mid-reply still leaves the whole reply stored',
	{ tag: '@vite' },
	async ({ app, page, context }) => {
		await app.signUp();
		const finish = unique('Finish without me');
		await fakeModel.say(finish, SHORT, 150);
		await app.send(finish);
		await expect(assistant(app)).toContainText('part2');
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		const chatId = await app.chatId();
		await page.close();
		await expect
			.poll(
				async () => {
					const { data } = await admin
						.from('chat_messages')
						.select('content, status')
						.eq('session_id', chatId)
						.eq('role', 'assistant')
						.single();
					return data;
				},
				{ timeout: 15_000 }
			)
			.toEqual({ content: SHORT, status: 'complete' });
		await context.close();
	}
);

// On Cloudflare a request's waitUntil ends 30 s after its browser left; the reply is written in a
// Durable Object instead (worker target), or by the Node server, which runs on (vite target). The
// reply here runs on for seconds, not past 30: local workerd does not enforce waitUntil's limit, so
// a longer wait would prove nothing more (it passed with the binding removed). What proves the
// Durable Object path is the X-Reply-Writer header; only production shows the limit itself.
test(
	'a reply that runs on after its last tab closed is stored whole, by the Durable Object on the worker',
	{ tag: '@vite' },
	async ({ app, page, context }) => {
		await app.signUp();
		const slow = Array.from({ length: 10 }, (_, index) => `slow${index + 1}`).join(' ');
		const take = unique('Take your time');
		await fakeModel.say(take, slow, 500);
		const started = page.waitForResponse((response) => response.url().endsWith('/api/chat'));
		await app.send(take);
		// On the worker the reply is written in the person's Durable Object; under vite, by the request.
		const writer = test.info().project.name === 'worker' ? 'durable-object' : 'request';
		expect((await started).headers()['x-reply-writer']).toBe(writer);
		await expect(assistant(app)).toContainText('slow2');
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		const chatId = await app.chatId();
		const closedAt = Date.now();
		await context.close();
		const reply = async () =>
			(
				await admin
					.from('chat_messages')
					.select('content, status')
					.eq('session_id', chatId)
					.eq('role', 'assistant')
					.single()
			).data;
		await expect.poll(reply, { timeout: 15_000 }).toMatchObject({ status: 'complete' });
		// It was still being written well after the tab had gone.
		expect(Date.now() - closedAt).toBeGreaterThan(2_500);
		expect(await reply()).toEqual({ content: slow, status: 'complete' });
	}
);

test(
	'without JavaScript, a reply being written refreshes itself and can be stopped',
	{ tag: '@vite' },
	async ({ app, page, browser }) => {
		await app.signUp();
		const look = unique('Write while I look');
		await fakeModel.say(look, LONG, 200);
		await app.send(look);
		await expect(assistant(app)).toContainText('word2');

		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		const noScript = await browser.newContext({
			javaScriptEnabled: false,
			storageState: await page.context().storageState()
		});
		const plain = new ChatApp(await noScript.newPage(), 'plain', { javaScript: false });
		await plain.page.goto(page.url());
		await expect(assistant(plain)).toContainText('Still being written');
		await expect(plain.page.locator('meta[http-equiv="refresh"]')).toHaveCount(1);
		await plain.page.getByRole('button', { name: 'Stop' }).click();
		await expect(plain.page).toHaveURL(page.url());
		await expect(assistant(plain)).toContainText('You stopped this reply.');
		await expect(assistant(app)).toContainText('You stopped this reply.');
		await noScript.close();
	}
);

test(
	'a reply whose writer is gone is offered for retry, and the retry completes it',
	{ tag: '@vite' },
	async ({ app, page }) => {
		await app.signUp();
		await app.send('Answer me');
		await expect.poll(async () => (await storedReply(app)).status).toBe('complete');
		const { id } = await storedReply(app);
		// The state a crashed writer leaves: streaming, and silent for longer than the 30 s timeout.
		const { error } = await admin
			.from('chat_messages')
			.update({ status: 'streaming', progress_at: new Date(Date.now() - 60_000).toISOString() })
			.eq('id', id);
		expect(error).toBeNull();
		await page.reload();
		await expect(assistant(app)).toContainText('This reply was interrupted.');
		await page.getByRole('button', { name: 'Retry' }).click();
		await expect(assistant(app)).not.toContainText('interrupted');
		await expect.poll(async () => (await storedReply(app)).status).toBe('complete');
	}
);
