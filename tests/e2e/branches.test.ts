// Versions of messages: Regenerate and Edit make siblings, the switcher ("‹ 2 / 3 ›") moves
// between them, the path shown is the database's (a reload keeps it), and the model is given
// only the path it answers. Also without JavaScript, and with two tabs at once.
import { replyFor } from '../support/fake-provider.ts';
import { admin, ChatApp, expect, fakeModel, test } from './support.ts';

const item = (app: ChatApp, text: string) => app.conversation.getByRole('listitem').filter({ hasText: text });
const versions = (app: ChatApp) => app.conversation.getByRole('group', { name: 'Versions' });

async function repliesTo(app: ChatApp, question: string) {
	const { data: asked } = await admin
		.from('chat_messages')
		.select('id')
		.eq('session_id', app.chatId())
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
	await app.signUp();
	await app.send('Pick a number');
	await expect(app.said(replyFor('Pick a number'))).toBeVisible();
	await app.settled();

	await fakeModel.sayNext('Seven');
	const titleCalls = (await fakeModel.titleCalls()).length;
	await item(app, replyFor('Pick a number')).getByRole('button', { name: 'Regenerate' }).click();
	await expect(app.said('Seven')).toBeVisible();
	await app.settled();
	// The chat was named after its first reply; a new version of it asks for no title.
	expect((await fakeModel.titleCalls()).length).toBe(titleCalls);
	await expect(app.said(replyFor('Pick a number'))).toHaveCount(0);
	await expect(versions(app)).toContainText('2 / 2');
	// The model was given the question alone, not the reply it replaces.
	expect((await fakeModel.calls()).at(-1)!.messages).toEqual([{ role: 'user', content: 'Pick a number' }]);

	await versions(app).getByRole('button', { name: 'Previous version' }).click();
	await expect(app.said(replyFor('Pick a number'))).toBeVisible();
	await expect(versions(app)).toContainText('1 / 2');
	await expect(versions(app).getByRole('button', { name: 'Previous version' })).toBeDisabled();
	await page.reload();
	await app.ready();
	await expect(app.said(replyFor('Pick a number'))).toBeVisible();
	await expect(versions(app)).toContainText('1 / 2');
	await versions(app).getByRole('button', { name: 'Next version' }).click();
	await expect(app.said('Seven')).toBeVisible();
	expect(await repliesTo(app, 'Pick a number')).toEqual([
		{ content: replyFor('Pick a number'), status: 'complete' },
		{ content: 'Seven', status: 'complete' }
	]);
});

test('Edit starts a new branch from that message, and the old branch stays reachable', async ({ app, page }) => {
	await app.signUp();
	await app.send('First question');
	await expect(app.said(replyFor('First question'))).toBeVisible();
	await app.settled();
	await app.send('Second question');
	await expect(app.said(replyFor('Second question'))).toBeVisible();
	await app.settled();

	await item(app, 'First question').getByRole('button', { name: 'Edit' }).click();
	const editor = page.getByRole('textbox', { name: 'Edit message' });
	await expect(editor).toBeFocused();
	await editor.fill('First question, edited');
	await page.getByRole('button', { name: 'Save and send' }).click();
	await expect(app.said(replyFor('First question, edited'))).toBeVisible();
	await expect(app.said('Second question')).toHaveCount(0);
	await expect(item(app, 'First question, edited').getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
	expect((await fakeModel.calls()).at(-1)!.messages).toEqual([{ role: 'user', content: 'First question, edited' }]);

	// The next message follows the edited branch.
	await app.send('Third question');
	await expect(app.said(replyFor('Third question'))).toBeVisible();
	await app.settled();
	expect((await fakeModel.calls()).at(-1)!.messages.map((message) => message.content)).toEqual([
		'First question, edited',
		replyFor('First question, edited'),
		'Third question'
	]);

	await versions(app).getByRole('button', { name: 'Previous version' }).click();
	await expect(app.said('Second question')).toBeVisible();
	await expect(app.said('Third question')).toHaveCount(0);
	await page.reload();
	await expect(app.said('First question')).toBeVisible();
	await expect(app.said(replyFor('Second question'))).toBeVisible();
	await expect(app.conversation.getByRole('listitem')).toHaveCount(4);
});

test('a second tab that regenerates the same reply meanwhile follows the one new reply', async ({
	app,
	page,
	context
}) => {
	await app.signUp();
	await app.send('Race for it');
	await expect(app.said(replyFor('Race for it'))).toBeVisible();
	await app.settled();
	const other = new ChatApp(await context.newPage(), 'other');
	await other.page.goto(page.url());
	await other.ready();

	const slow = Array.from({ length: 16 }, (_, index) => `step${index + 1}`).join(' ');
	await fakeModel.sayNext(slow, 150);
	await item(app, replyFor('Race for it')).getByRole('button', { name: 'Regenerate' }).click();
	await expect(item(app, 'step2')).toBeVisible();
	await item(other, replyFor('Race for it')).getByRole('button', { name: 'Regenerate' }).click();
	await expect(other.conversation).toContainText('step16', { timeout: 15_000 });
	await expect(app.conversation).toContainText('step16');
	await expect(versions(other)).toContainText('2 / 2');
	expect(await repliesTo(app, 'Race for it')).toEqual([
		{ content: replyFor('Race for it'), status: 'complete' },
		{ content: slow, status: 'complete' }
	]);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('regenerate, edit and switching work through plain forms', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-branches', { javaScript: false }).signUp();
		await app.send('Plain question');
		await expect(app.said(replyFor('Plain question'))).toBeVisible();

		await fakeModel.sayNext('Plain again');
		await item(app, replyFor('Plain question')).getByRole('button', { name: 'Regenerate' }).click();
		await expect(app.said('Plain again')).toBeVisible();
		await expect(versions(app)).toContainText('2 / 2');
		await versions(app).getByRole('button', { name: 'Previous version' }).click();
		await expect(app.said(replyFor('Plain question'))).toBeVisible();
		await expect(versions(app)).toContainText('1 / 2');

		await item(app, 'Plain question').getByRole('button', { name: 'Edit' }).click();
		await expect(page).toHaveURL(/\?edit=/);
		await page.getByRole('textbox', { name: 'Edit message' }).fill('Plain question, edited');
		await page.getByRole('button', { name: 'Save and send' }).click();
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expect(app.said(replyFor('Plain question, edited'))).toBeVisible();
		await expect(app.said(replyFor('Plain question'))).toHaveCount(0);
		await versions(app).getByRole('button', { name: 'Previous version' }).click();
		await expect(app.said('Plain question')).toBeVisible();
		await expect(versions(app).first()).toContainText('1 / 2');
	});

	test('an empty edit comes back open with a clear message', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-edit-bad', { javaScript: false }).signUp();
		await app.send('Keep me');
		await expect(app.said(replyFor('Keep me'))).toBeVisible();
		await item(app, 'Keep me').getByRole('button', { name: 'Edit' }).click();
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
		await app.send('Start here');
		await expect(app.said(replyFor('Start here'))).toBeVisible();
		// A reply being written in another tab, with JavaScript.
		const scripted = await browser.newContext({
			javaScriptEnabled: true,
			storageState: await page.context().storageState()
		});
		const other = new ChatApp(await scripted.newPage(), 'scripted');
		await other.page.goto(page.url());
		await fakeModel.sayNext(Array.from({ length: 30 }, (_, index) => `w${index + 1}`).join(' '), 200);
		await other.send('A slow one');
		await expect(other.conversation).toContainText('w2');

		await page.reload();
		await app.send('Too soon');
		await expect(page.getByRole('alert')).toContainText('A reply is still being written here.');
		await expect(app.message).toHaveValue('Too soon');
		const { count } = await admin
			.from('chat_messages')
			.select('id', { count: 'exact', head: true })
			.eq('content', 'Too soon');
		expect(count).toBe(0);
		await scripted.close();
	});
});
