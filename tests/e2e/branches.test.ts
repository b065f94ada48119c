// Versions of messages: Regenerate and Edit make siblings, the switcher ("‹ 2 / 3 ›") moves
// between them, the path shown is the database's (a reload keeps it), and the model is given
// only the path it answers. Also without JavaScript, and with two tabs at once.
import { replyFor } from '../support/fake-provider.ts';
import { admin, ChatApp, expect, fakeModel, test, unique } from './support.ts';

const item = (app: ChatApp, text: string) => app.conversation.getByRole('listitem').filter({ hasText: text });
const versions = (app: ChatApp) => app.conversation.getByRole('group', { name: 'Versions' });

async function repliesTo(app: ChatApp, question: string) {
	const { data: asked } = await admin
		.from('chat_messages')
		.select('id')
		.eq('session_id', await app.chatId())
		.eq('content', question)
		.single();
	const { data } = await admin
		.from('chat_messages')
		.select('content, status')
		.eq('parent_id', asked!.id)
		.order('position');
	return data!;
}

test('Regenerate adds a version of the reply, and the switcher shows either, after a reload too', async ({
	app,
	page
}) => {
	const question = unique('Pick a number');
	await app.signUp();
	await app.send(question);
	await expect(app.said(replyFor(question))).toBeVisible();
	await app.settled();

	await fakeModel.say(question, 'Seven');
	const titleCalls = (await fakeModel.titleCalls(question)).length;
	await item(app, replyFor(question)).getByRole('button', { name: 'Regenerate' }).click();
	await expect(app.said('Seven')).toBeVisible();
	await app.settled();
	// The chat was named after its first reply; a new version of it asks for no title.
	expect((await fakeModel.titleCalls(question)).length).toBe(titleCalls);
	await expect(app.said(replyFor(question))).toHaveCount(0);
	await expect(versions(app)).toContainText('2 / 2');
	// The model was given the question alone, not the reply it replaces.
	expect((await fakeModel.calls(question)).at(-1)!.messages).toEqual([{ role: 'user', content: question }]);

	await versions(app).getByRole('button', { name: 'Previous version' }).click();
	await expect(app.said(replyFor(question))).toBeVisible();
	await expect(versions(app)).toContainText('1 / 2');
	await expect(versions(app).getByRole('button', { name: 'Previous version' })).toBeDisabled();
	await page.reload();
	await app.ready();
	await expect(app.said(replyFor(question))).toBeVisible();
	await expect(versions(app)).toContainText('1 / 2');
	await versions(app).getByRole('button', { name: 'Next version' }).click();
	await expect(app.said('Seven')).toBeVisible();
	expect(await repliesTo(app, question)).toEqual([
		{ content: replyFor(question), status: 'complete' },
		{ content: 'Seven', status: 'complete' }
	]);
});

test('Edit starts a new branch from that message, and the old branch stays reachable', async ({ app, page }) => {
	const [first, second, third] = ['First question', 'Second question', 'Third question'].map(unique);
	const edited = `${first}, edited`;
	await app.signUp();
	await app.send(first);
	await expect(app.said(replyFor(first))).toBeVisible();
	await app.settled();
	await app.send(second);
	await expect(app.said(replyFor(second))).toBeVisible();
	await app.settled();

	await item(app, first).getByRole('button', { name: 'Edit' }).click();
	const editor = page.getByRole('textbox', { name: 'Edit message' });
	await expect(editor).toBeFocused();
	await editor.fill(edited);
	await page.getByRole('button', { name: 'Save and send' }).click();
	await expect(app.said(replyFor(edited))).toBeVisible();
	await expect(app.said(second)).toHaveCount(0);
	await expect(item(app, edited).getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
	expect((await fakeModel.calls(edited)).at(-1)!.messages).toEqual([{ role: 'user', content: edited }]);

	// The next message follows the edited branch.
	await app.send(third);
	await expect(app.said(replyFor(third))).toBeVisible();
	await app.settled();
	expect((await fakeModel.calls(third)).at(-1)!.messages.map((message) => message.content)).toEqual([
		edited,
		replyFor(edited),
		third
	]);

	await versions(app).getByRole('button', { name: 'Previous version' }).click();
	await expect(app.said(second)).toBeVisible();
	await expect(app.said(third)).toHaveCount(0);
	await page.reload();
	await expect(app.said(first)).toBeVisible();
	await expect(app.said(replyFor(second))).toBeVisible();
	await expect(app.conversation.getByRole('listitem')).toHaveCount(4);
});

test(
	'a second tab that regenerates the same reply meanwhile follows the one new reply',
	{ tag: '@vite' },
	async ({ app, page, context }) => {
		const race = unique('Race for it');
		await app.signUp();
		await app.send(race);
		await expect(app.said(replyFor(race))).toBeVisible();
		await app.settled();
		const other = new ChatApp(await context.newPage(), 'other');
		await other.page.goto(page.url());
		await other.ready();

		const slow = Array.from({ length: 16 }, (_, index) => `step${index + 1}`).join(' ');
		await fakeModel.say(race, slow, 150);
		await item(app, replyFor(race)).getByRole('button', { name: 'Regenerate' }).click();
		await expect(item(app, 'step2')).toBeVisible();
		await item(other, replyFor(race)).getByRole('button', { name: 'Regenerate' }).click();
		await expect(other.conversation).toContainText('step16', { timeout: 15_000 });
		await expect(app.conversation).toContainText('step16');
		await expect(versions(other)).toContainText('2 / 2');
		expect(await repliesTo(app, race)).toEqual([
			{ content: replyFor(race), status: 'complete' },
			{ content: slow, status: 'complete' }
		]);
	}
);

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('regenerate, edit and switching work through plain forms', async ({ page }) => {
		const plain = unique('Plain question');
		const app = await new ChatApp(page, 'nojs-branches', { javaScript: false }).signUp();
		await app.send(plain);
		await expect(app.said(replyFor(plain))).toBeVisible();

		await fakeModel.say(plain, 'Plain again');
		await item(app, replyFor(plain)).getByRole('button', { name: 'Regenerate' }).click();
		await expect(app.said('Plain again')).toBeVisible();
		await expect(versions(app)).toContainText('2 / 2');
		await versions(app).getByRole('button', { name: 'Previous version' }).click();
		await expect(app.said(replyFor(plain))).toBeVisible();
		await expect(versions(app)).toContainText('1 / 2');

		await item(app, plain).getByRole('button', { name: 'Edit' }).click();
		await expect(page).toHaveURL(/\?edit=/);
		await page.getByRole('textbox', { name: 'Edit message' }).fill(`${plain}, edited`);
		await page.getByRole('button', { name: 'Save and send' }).click();
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expect(app.said(replyFor(`${plain}, edited`))).toBeVisible();
		await expect(app.said(replyFor(plain))).toHaveCount(0);
		await versions(app).getByRole('button', { name: 'Previous version' }).click();
		await expect(app.said(plain)).toBeVisible();
		await expect(versions(app).first()).toContainText('1 / 2');
	});

	test('an empty edit comes back open with a clear message', async ({ page }) => {
		const keep = unique('Keep me');
		const app = await new ChatApp(page, 'nojs-edit-bad', { javaScript: false }).signUp();
		await app.send(keep);
		await expect(app.said(replyFor(keep))).toBeVisible();
		await item(app, keep).getByRole('button', { name: 'Edit' }).click();
		await page.getByRole('textbox', { name: 'Edit message' }).fill('   ');
		await page.getByRole('button', { name: 'Save and send' }).click();
		await expect(page.getByRole('alert')).toHaveText('Write a message first.');
		await expect(page.getByRole('textbox', { name: 'Edit message' })).toBeVisible();
		await expect(app.conversation.getByRole('listitem')).toHaveCount(2);
	});

	test('a message sent while a reply is being written is refused with a reason, and kept', async ({
		page,
		browser
	}) => {
		const app = await new ChatApp(page, 'nojs-busy', { javaScript: false }).signUp();
		const tooSoon = unique('Too soon');
		const slowOne = unique('A slow one');
		await app.send('Start here');
		await expect(app.said(replyFor('Start here'))).toBeVisible();
		// A reply being written in another tab, with JavaScript.
		const scripted = await browser.newContext({
			javaScriptEnabled: true,
			storageState: await page.context().storageState()
		});
		const other = new ChatApp(await scripted.newPage(), 'scripted');
		await other.page.goto(page.url());
		await fakeModel.say(slowOne, Array.from({ length: 30 }, (_, index) => `w${index + 1}`).join(' '), 200);
		await other.send(slowOne);
		await expect(other.conversation).toContainText('w2');

		await page.reload();
		await app.send(tooSoon);
		await expect(page.getByRole('alert')).toContainText('A reply is still being written here.');
		await expect(app.message).toHaveValue(tooSoon);
		const { count } = await admin
			.from('chat_messages')
			.select('id', { count: 'exact', head: true })
			.eq('content', tooSoon);
		expect(count).toBe(0);
		await scripted.close();
	});
});
