// Tools through MCP, as a person sees them: a card per call, Running… while it runs, its
// arguments and result folded away, kept after a reload and without JavaScript. The app is given
// the test MCP server (playwright.config.ts); the fake model asks for its tools.
import type { Locator } from '@playwright/test';
import { ChatApp, expect, fakeModel, test, testTools, unique, XSS_CORPUS } from './support.ts';

const card = (app: ChatApp, tool: string) =>
	app.conversation.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: tool });

/** The reply shows these texts, in this order (the text around a card, and the card's own). */
async function expectInOrder(where: ChatApp | Locator, texts: string[]) {
	const conversation = where instanceof ChatApp ? where.conversation : where;
	const reply = conversation
		.getByRole('listitem')
		.filter({ has: conversation.page().getByRole('list', { name: 'Tool calls' }) });
	await expect(reply.last()).toContainText(texts[texts.length - 1]);
	const text = await reply.last().innerText();
	const places = texts.map((part) => text.indexOf(part));
	expect(
		places.every((place) => place >= 0),
		`${JSON.stringify(texts)} in ${text}`
	).toBe(true);
	expect(places, text).toEqual([...places].sort((a, b) => a - b));
}

test(
	'a tool call shows as a card while it runs and after, in a second tab, and after a reload',
	{ tag: '@vite' },
	async ({ app, page }) => {
		await app.signUp();
		const question = unique('How long does the slow tool take?');
		await fakeModel.callTools(question, [{ name: 'test__slow', arguments: { seconds: 2 } }], 'Let me check. ');
		await fakeModel.say(question, 'It took two seconds.');
		await app.send(question);

		const slow = card(app, 'slow');
		await expect(slow).toContainText('Test tools');
		await expect(slow).toContainText('Running…');

		// A second tab follows the reply, cards and all, the card between the two parts of the text.
		const second = new ChatApp(await page.context().newPage());
		await second.page.goto(page.url());
		await expect(card(second, 'slow')).toContainText('Test tools');
		await expectInOrder(second, ['Let me check.', 'Test tools', 'It took two seconds.']);
		await expect(card(second, 'slow')).not.toContainText('Running…');
		await second.page.close();
		await expectInOrder(app, ['Let me check.', 'Test tools', 'It took two seconds.']);
		await expect(slow).not.toContainText('Running…');
		await expect(slow).toContainText(/\d(\.\d)? s/);

		// Folded away until asked for.
		const result = slow.getByText('Done after 2 s.');
		await expect(result).toBeHidden();
		await slow.getByText('slow', { exact: true }).click();
		await expect(result).toBeVisible();
		await expect(slow).toContainText('"seconds": 2');

		// The model got the tool's answer in its second call.
		const calls = await fakeModel.calls(question);
		expect(calls.map((call) => call.toolResults.map((result) => result.content))).toEqual([[], ['Done after 2 s.']]);
		expect(calls[0].tools).toContain('test__slow');
		expect(calls[0].tools).toContain('test__send_note');

		await app.settled();
		await page.reload();
		await expect(card(app, 'slow')).toContainText('Test tools');
		await expectInOrder(app, ['Let me check.', 'Test tools', 'It took two seconds.']);
	}
);

test('a failing tool’s card says so, and the reply goes on', async ({ app }) => {
	await app.signUp();
	const question = unique('Use the broken tool');
	await fakeModel.callTools(question, [{ name: 'test__fail', arguments: {} }]);
	await fakeModel.say(question, 'The tool is broken, sorry.');
	await app.send(question);

	await expect(app.said('The tool is broken, sorry.')).toBeVisible();
	const failed = card(app, 'fail');
	await expect(failed).toContainText('Failed');
	// A new chat's first reply can end before the move to its own page does (a loaded machine): a
	// card opened on the page being left would be closed on the next one.
	await app.settled();
	await failed.getByText('fail', { exact: true }).click();
	await expect(failed.getByText('The tool broke: disk full.')).toBeVisible();
});

test('a card the person opened stays open while the reply’s other calls go on', async ({ app }) => {
	await app.signUp();
	const question = unique('Add, and take your time');
	await fakeModel.callTools(question, [
		{ name: 'test__add', arguments: { a: 2, b: 3 } },
		{ name: 'test__slow', arguments: { seconds: 2 } }
	]);
	await fakeModel.say(question, 'Both are done.');
	await app.send(question);

	const add = card(app, 'add');
	const slow = card(app, 'slow');
	await expect(slow).toContainText('Running…');
	await expect(add).not.toContainText('Running…');
	await add.getByText('add', { exact: true }).click();
	await expect(add.getByText('5', { exact: true })).toBeVisible();
	// The slow call's end, and the reply's, redraw the cards: the one opened stays open.
	await expect(slow).not.toContainText('Running…');
	await expect(app.said('Both are done.')).toBeVisible();
	await app.settled();
	await expect(add.getByText('5', { exact: true })).toBeVisible();
	await expect(slow.getByText('Done after 2 s.')).toBeHidden();
});

test('a tool that is not marked safe waits for Allow, and runs once allowed', async ({ app }) => {
	await app.signUp();
	const question = unique('Tell the team lunch is at one');
	const note = unique('Lunch at one');
	await fakeModel.callTools(question, [{ name: 'test__send_note', arguments: { text: note } }]);
	await fakeModel.say(question, 'The note is sent.');
	await app.send(question);

	const sendNote = card(app, 'send_note');
	await expect(sendNote).toContainText('Waiting for your answer');
	await expect(sendNote).toContainText(note);
	expect(await testTools.notes()).not.toContain(note);
	await sendNote.getByRole('button', { name: 'Allow', exact: true }).click();

	await expect(app.said('The note is sent.')).toBeVisible();
	expect(await testTools.notes()).toContain(note);
	await expect(sendNote).not.toContainText('Waiting for your answer');
	await expect(sendNote.getByRole('button', { name: 'Allow', exact: true })).toHaveCount(0);
});

const switchFor = (app: ChatApp, server: string, tool: string) =>
	app.page
		.getByRole('dialog', { name: 'Chat settings' })
		.getByRole('group', { name: server })
		.getByRole('switch', { name: tool });

async function openSettings(app: ChatApp) {
	await app.openChatOptions();
	await app.page.getByRole('link', { name: 'Chat settings' }).click();
}

test('Chat settings lists each server’s tools with a switch; one switched off is not offered in that chat', async ({
	app,
	page
}) => {
	await app.signUp();
	const first = unique('Just talk');
	await fakeModel.say(first, 'Talking.');
	await app.send(first);
	await expect(app.said('Talking.')).toBeVisible();
	// The server that is down is named under the reply, which went on without it.
	await expect(app.conversation.getByText(/were not offered: Gone tools\./)).toBeVisible();
	await app.settled();

	await openSettings(app);
	const dialog = page.getByRole('dialog', { name: 'Chat settings' });
	for (const tool of ['add', 'send_note', 'slow', 'fail', 'big', 'echo'])
		await expect(switchFor(app, 'Test tools', tool)).toBeChecked();
	await expect(switchFor(app, 'Test tools', 'send_note')).toHaveAccessibleDescription(/asks first/);
	await expect(dialog.getByRole('group', { name: 'Gone tools' })).toContainText('is not answering now');
	// A server on the older HTTP+SSE transport is listed as well.
	await expect(switchFor(app, 'Old tools', 'add')).toBeChecked();
	await switchFor(app, 'Test tools', 'add').click();
	await expect(switchFor(app, 'Test tools', 'add')).not.toBeChecked();
	await dialog.getByRole('button', { name: 'Save settings' }).click();
	await expect(dialog).toHaveCount(0);

	// Kept with the chat: shown off again, and not offered to the model.
	await openSettings(app);
	await expect(switchFor(app, 'Test tools', 'add')).not.toBeChecked();
	await expect(switchFor(app, 'Test tools', 'slow')).toBeChecked();
	await page.keyboard.press('Escape');
	// The same tool over HTTP+SSE is on, and answers.
	const second = unique('What can you use now?');
	await fakeModel.callTools(second, [{ name: 'old__add', arguments: { a: 30, b: 12 } }]);
	await fakeModel.say(second, 'Fewer tools.');
	await app.send(second);
	await expect(app.said('Fewer tools.')).toBeVisible();
	await expect(card(app, 'add')).toContainText('Old tools');
	const [call, afterCall] = await fakeModel.calls(second);
	expect(afterCall.toolResults.map((result) => result.content)).toEqual(['42']);
	expect(call.tools).not.toContain('test__add');
	expect(call.tools).toContain('test__slow');
});

test(
	'an approval waits through a reload and is answered from a second tab',
	{ tag: '@vite' },
	async ({ app, page }) => {
		await app.signUp();
		const question = unique('Tell the team the build is green');
		const note = unique('Build green');
		await fakeModel.callTools(question, [{ name: 'test__send_note', arguments: { text: note } }]);
		await fakeModel.say(question, 'Told them.');
		await app.send(question);
		await expect(card(app, 'send_note')).toContainText('Waiting for your answer');

		await page.reload();
		await expect(card(app, 'send_note')).toContainText('Waiting for your answer');
		await expect(card(app, 'send_note').getByRole('button', { name: 'Allow', exact: true })).toBeVisible();

		const second = new ChatApp(await page.context().newPage());
		await second.page.goto(page.url());
		await card(second, 'send_note').getByRole('button', { name: 'Allow', exact: true }).click();
		await expect(second.said('Told them.')).toBeVisible();
		await second.page.close();
		// The first tab follows the reply to its end.
		await expect(app.said('Told them.')).toBeVisible();
		await expect(card(app, 'send_note')).not.toContainText('Waiting for your answer');
		expect(await testTools.notes()).toContain(note);
	}
);

test('Stop during a slow tool ends the reply, and the card says the call ended with it', async ({ app, page }) => {
	await app.signUp();
	const question = unique('Take your time');
	await fakeModel.callTools(question, [{ name: 'test__slow', arguments: { seconds: 20 } }], 'Starting. ');
	await fakeModel.say(question, 'Never said.');
	await app.send(question);
	await expect(card(app, 'slow')).toContainText('Running…');
	await page.getByRole('button', { name: 'Stop' }).click();
	await expect(app.conversation.getByText('You stopped this reply.')).toBeVisible({ timeout: 5_000 });
	await expect(card(app, 'slow')).toContainText('Failed');
	await app.settled();
	await page.reload();
	await card(app, 'slow').getByText('slow', { exact: true }).click();
	await expect(card(app, 'slow')).toContainText('Ended with the reply');
	await expect(app.conversation).not.toContainText('Never said.');
});

test('the step limit ends a reply that keeps calling tools, and the page says so', async ({ app }) => {
	await app.signUp();
	const question = unique('Keep adding');
	for (let step = 0; step < 5; step++)
		await fakeModel.callTools(question, [{ name: 'test__add', arguments: { a: step, b: 1 } }]);
	await fakeModel.say(question, 'Never said.');
	await app.send(question);
	await expect(
		app.conversation.getByText('Stopped after 5 steps with tools, the most a reply may take here.')
	).toBeVisible();
	await expect(card(app, 'add')).toHaveCount(5);
	expect(await fakeModel.calls(question)).toHaveLength(5);
});

test('a tool’s arguments and answer full of markup show as text and run nothing', async ({ app, page }) => {
	await app.signUp();
	const question = unique('Echo some HTML');
	await fakeModel.callTools(question, [{ name: 'test__echo', arguments: { text: XSS_CORPUS } }]);
	await fakeModel.say(question, 'Echoed.');
	await app.send(question);
	await expect(app.said('Echoed.')).toBeVisible();
	await app.settled();
	for (const pass of ['live', 'after reload']) {
		if (pass === 'after reload') await page.reload();
		const echo = card(app, 'echo');
		await echo.getByText('echo', { exact: true }).click();
		// The answer, exactly as the tool sent it, as text.
		await expect(echo.locator('pre').last(), pass).toHaveText(XSS_CORPUS);
		await expect(
			echo.locator('script, img, svg:not([aria-hidden="true"]), iframe, input, textarea, a'),
			pass
		).toHaveCount(0);
	}
	// The fixture fails the test if any alert() ran or the CSP blocked anything.
});

test('a share carries the tool calls between the text when asked, and not otherwise', async ({ app, page }) => {
	await app.signUp();
	const question = unique('Add for the share');
	await fakeModel.callTools(question, [{ name: 'test__add', arguments: { a: 4, b: 4 } }], 'Adding. ');
	await fakeModel.say(question, 'Eight.');
	await app.send(question);
	await expect(card(app, 'add')).toContainText('Test tools');
	await app.settled();

	const plain = await app.share();
	await page.reload();
	await app.openChatOptions();
	await page.getByRole('link', { name: 'Share', exact: true }).click();
	await page.getByRole('checkbox', { name: 'Include the tool calls, with what they were sent and answered' }).check();
	const withTools = await app.share();

	const reader = await page.context().browser()!.newPage();
	await reader.goto(plain);
	await expect(reader.getByText('Eight.')).toBeVisible();
	await expect(reader.getByRole('list', { name: 'Tool calls' })).toHaveCount(0);
	await reader.goto(withTools);
	await expectInOrder(reader.getByRole('list', { name: 'Conversation' }), ['Adding.', 'Test tools', 'Eight.']);
	await reader.close();
});

test('another person can neither answer a call nor read or switch a chat’s tools, through the app’s routes', async ({
	app,
	page,
	browser
}) => {
	await app.signUp();
	const question = unique('Send the quarterly figures');
	const note = unique('Quarterly figures');
	await fakeModel.callTools(question, [{ name: 'test__send_note', arguments: { text: note } }]);
	await fakeModel.say(question, 'Not sent.');
	await app.send(question);
	const sendNote = card(app, 'send_note');
	await expect(sendNote).toContainText('Waiting for your answer');
	const aChat = await app.chatId();
	const replyId = await sendNote.locator('input[name="replyId"]').inputValue();
	const callId = await sendNote.locator('input[name="callId"]').inputValue();

	const context = await browser.newContext();
	const b = await new ChatApp(await context.newPage(), 'tools-b').signUp();
	const origin = new URL(b.page.url()).origin;
	const post = (action: string, form: Record<string, string>) =>
		b.page.request.post(`/chat/${aChat}?/${action}`, {
			form,
			headers: { origin, accept: 'text/html' },
			maxRedirects: 0
		});
	for (const decision of ['allow', 'always'])
		expect((await post('tool', { replyId, callId, decision })).status()).toBe(404);
	expect((await post('settings', { systemPrompt: '', tools: 'listed', listed: 'test__send_note' })).status()).toBe(404);
	expect((await b.page.request.get(`/chat/${aChat}/tools`)).status()).toBe(404);
	await context.close();

	// Nothing changed: the call still waits, the tool never ran, and the chat's switches are as they were.
	await page.reload();
	await expect(card(app, 'send_note')).toContainText('Waiting for your answer');
	expect(await testTools.notes()).not.toContain(note);
	const choices = await page.request.get(`/chat/${aChat}/tools`);
	expect((await choices.json()).off).toEqual([]);
	await card(app, 'send_note').getByRole('button', { name: 'Deny' }).click();
	await expect(app.said('Not sent.')).toBeVisible();
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the reply’s tool cards come with the page, and open', async ({ page }) => {
		const app = new ChatApp(page, 'tools-nojs', { javaScript: false });
		await app.signUp();
		const question = unique('Add two and three');
		await fakeModel.callTools(question, [{ name: 'test__add', arguments: { a: 2, b: 3 } }], 'Adding. ');
		await fakeModel.say(question, 'Five.');
		await app.send(question);

		await expect(app.said('Five.')).toBeVisible();
		await expectInOrder(app, ['Adding.', 'Test tools', 'Five.']);
		const add = card(app, 'add');
		await expect(add).toContainText('Test tools');
		await add.getByText('add', { exact: true }).click();
		await expect(add.getByText('5', { exact: true })).toBeVisible();
	});

	test('Deny through the form: the tool never runs, and the model answers without it', async ({ page }) => {
		const app = new ChatApp(page, 'tools-deny', { javaScript: false });
		await app.signUp();
		const question = unique('Send the secret note');
		const note = unique('The secret');
		await fakeModel.callTools(question, [{ name: 'test__send_note', arguments: { text: note } }]);
		// Slow enough that a page shown before the reply ended would show it unfinished.
		await fakeModel.say(question, 'Understood, nothing was sent.', 300);
		await app.send(question);

		// The post comes back as soon as the reply waits for an answer.
		const sendNote = card(app, 'send_note');
		await expect(sendNote).toContainText('Waiting for your answer');
		await sendNote.getByRole('button', { name: 'Deny' }).click();

		// The answer's post came back once the reply ended: the page holds all of it, unrefreshed.
		await expect(app.said('Understood, nothing was sent.')).toBeVisible({ timeout: 1_000 });
		await expect(card(app, 'send_note')).toContainText('Not allowed');
		expect(await testTools.notes()).not.toContain(note);
		const [, second] = await fakeModel.calls(question);
		expect(second.toolResults[0].content).toContain('did not allow');
	});

	test(
		'Allow through the form runs the tool; switched off in Chat settings, it is offered no more',
		{ tag: '@vite' },
		async ({ page }) => {
			const app = new ChatApp(page, 'tools-allow', { javaScript: false });
			await app.signUp();
			const question = unique('Note that the office is closed');
			const note = unique('Office closed');
			await fakeModel.callTools(question, [{ name: 'test__send_note', arguments: { text: note } }]);
			await fakeModel.say(question, 'Noted.');
			await app.send(question);
			await card(app, 'send_note').getByRole('button', { name: 'Allow', exact: true }).click();
			await expect(app.said('Noted.')).toBeVisible();
			expect(await testTools.notes()).toContain(note);

			// Chat settings is a page of its own without JavaScript (?settings), with the same switches.
			await openSettings(app);
			// The server that is down is named there, and under the reply, which went on without it.
			await expect(switchFor(app, 'Gone tools', 'add')).toHaveCount(0);
			await expect(page.getByRole('group', { name: 'Gone tools' })).toContainText('is not answering now');
			await expect(app.conversation.getByText(/were not offered: Gone tools\./).first()).toBeVisible();
			await switchFor(app, 'Test tools', 'send_note').uncheck();
			await page.getByRole('button', { name: 'Save settings' }).click();
			await openSettings(app);
			await expect(switchFor(app, 'Test tools', 'send_note')).not.toBeChecked();
			await expect(switchFor(app, 'Test tools', 'add')).toBeChecked();

			const next = unique('Anything else?');
			await fakeModel.say(next, 'Nothing.');
			await app.send(next);
			await expect(app.said('Nothing.')).toBeVisible();
			const [call] = await fakeModel.calls(next);
			expect(call.tools).not.toContain('test__send_note');
			expect(call.tools).toContain('test__add');
		}
	);
});
