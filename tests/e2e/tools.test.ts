// Tools through MCP, as a person sees them: a card per call, Running… while it runs, its
// arguments and result folded away, kept after a reload and without JavaScript. The app is given
// the test MCP server (playwright.config.ts); the fake model asks for its tools.
import { ChatApp, expect, fakeModel, test, testTools, unique } from './support.ts';

const card = (app: ChatApp, tool: string) =>
	app.conversation.getByRole('list', { name: 'Tool calls' }).getByRole('listitem').filter({ hasText: tool });

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

		// A second tab follows the reply, cards and all.
		const second = new ChatApp(await page.context().newPage());
		await second.page.goto(page.url());
		await expect(card(second, 'slow')).toContainText('Test tools');
		await expect(second.said('Let me check. It took two seconds.')).toBeVisible();
		await expect(card(second, 'slow')).not.toContainText('Running…');
		await second.page.close();
		// The text of both steps is the reply's.
		await expect(app.said('Let me check. It took two seconds.')).toBeVisible();
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
		await expect(app.said('Let me check. It took two seconds.')).toBeVisible();
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
	await failed.getByText('fail', { exact: true }).click();
	await expect(failed.getByText('The tool broke: disk full.')).toBeVisible();
});

test('a tool that is not marked safe waits for Allow, and runs once allowed', { tag: '@vite' }, async ({ app }) => {
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

test.describe('without JavaScript', { tag: '@vite' }, () => {
	test.use({ javaScriptEnabled: false });

	test('the reply’s tool cards come with the page, and open', async ({ page }) => {
		const app = new ChatApp(page, 'tools-nojs', { javaScript: false });
		await app.signUp();
		const question = unique('Add two and three');
		await fakeModel.callTools(question, [{ name: 'test__add', arguments: { a: 2, b: 3 } }]);
		await fakeModel.say(question, 'Five.');
		await app.send(question);

		await expect(app.said('Five.')).toBeVisible();
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
});
