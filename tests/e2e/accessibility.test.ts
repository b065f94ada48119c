// axe on every page, each in light and in dark; streamed replies announced politely; one alert at most.
import type { Page } from '@playwright/test';
import { axeViolations } from '../support/axe.ts';
import { replyFor } from '../support/fake-provider.ts';
import { png } from '../support/files.ts';
import { totpCode } from '../support/totp.ts';
import { expect, fakeModel, test, unique } from './support.ts';

const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// The scheme changes colours only (app.css: light-dark(), nothing else follows it), so the markup,
// names and layout axe judges are the same in both; in dark, the rules about colour run again.
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];
// Best practices that no WCAG tag names, kept to: a skip link that leads somewhere, and landmarks
// of one kind told apart by their names.
const ALSO = ['skip-link', 'landmark-unique'];

/**
 * The page as it is now, analysed in both schemes (the theme follows the system's); `within`, a
 * selector, limits it to what a step opened on a page analysed whole just before.
 */
async function expectNoViolations(page: Page, where: string, within?: string) {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		const found = await axeViolations(
			page,
			colorScheme === 'light' ? { tags: WCAG_AA, also: ALSO, within } : { rules: COLOUR_RULES, within }
		);
		expect(found, `${where} (${colorScheme})`).toEqual([]);
	}
}

// The pages in three tests, which run side by side: signed out, a chat's, and the library's.
test('axe finds no violations on the signed-out pages, in light and dark', async ({ app, page }) => {
	await page.goto('/login');
	await app.ready();
	await expectNoViolations(page, '/login');
	await page.getByRole('textbox', { name: 'Email' }).fill('not-an-account@example.com');
	await page.getByLabel('Password').fill('wrong-password');
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoViolations(page, '/login with an error');
	await page.getByRole('link', { name: 'Forgot your password?' }).click();
	await expect(page.getByRole('button', { name: 'Send reset link' })).toBeVisible();
	await expectNoViolations(page, '/forgot');
	await page.goto('/auth/confirm');
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoViolations(page, '/auth/confirm without a link');
});

test('axe finds no violations on a chat, its dialogs and its composer, in light and dark', async ({ app, page }) => {
	// About fifteen states, each analysed in full, twice.
	test.setTimeout(90_000);
	await app.signUpThroughTheForm();
	await expectNoViolations(page, '/chat, no chats');
	const failing = unique('This one fails');
	await fakeModel.fail(failing, 'status');
	await app.send(failing);
	await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
	await expect(app.conversation.getByRole('button', { name: 'Regenerate' })).toHaveCount(0);
	// Files attached, as chips in the composer, then in the message that carries them.
	await page.getByLabel('Attach files').setInputFiles([
		{ name: 'screenshot.png', mimeType: 'image/png', buffer: png() },
		{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Some notes') },
		{ name: 'page.png', mimeType: 'image/png', buffer: Buffer.concat([png().subarray(0, 8), Buffer.from('<html>')]) }
	]);
	await expect(page.getByRole('list', { name: 'Files to send' }).getByRole('alert')).toBeVisible();
	await expect(page.getByRole('list', { name: 'Files to send' })).toContainText('10 bytes');
	await expectNoViolations(page, 'the composer with files, one refused', 'form');
	await page.getByRole('button', { name: 'Remove page.png' }).click();
	await expect(page.getByRole('list', { name: 'Files to send' }).locator('progress')).toHaveCount(0);
	await app.modelPicker.selectOption({ label: 'Fake vision' });
	await app.send('This one works, with **markdown**, `code`, a [link](https://example.com) and $\\frac{a}{b}$');
	await expect(app.conversation.getByRole('link', { name: 'link' })).toBeVisible();
	await app.settled();
	await expect(app.conversation.locator('.katex')).toHaveCount(1);
	await expect(app.conversation.getByRole('img', { name: 'screenshot.png' })).toBeVisible();
	await expectNoViolations(page, '/chat/[id] with a failed and a complete reply, and files');
	await app.openChatOptions();
	await expectNoViolations(page, '/chat/[id] with its options open', 'main details[open]');
	await page.getByRole('link', { name: 'Chat settings' }).click();
	await expect(page.getByRole('textbox', { name: 'System prompt' })).toBeVisible();
	await expect(
		page.getByRole('group', { name: 'Test tools' }).getByRole('switch', { name: 'send_note' })
	).toBeChecked();
	await expectNoViolations(page, '/chat/[id] with its settings open, tools listed', 'dialog');
	await page.keyboard.press('Escape');
	await expect(page.getByRole('dialog')).toHaveCount(0);
	// One reply is finished: the failed one offers Retry, and a message of the person's neither.
	await expect(app.conversation.getByRole('button', { name: 'Regenerate' })).toHaveCount(1);
	await app.conversation.getByRole('button', { name: 'Regenerate' }).click();
	await expect(app.conversation.getByRole('group', { name: 'Versions' })).toContainText('2 / 2');
	await app.settled();
	await app.conversation.getByRole('button', { name: 'Edit' }).last().click();
	await expect(page.getByRole('textbox', { name: 'Edit message' })).toBeFocused();
	await expectNoViolations(page, '/chat/[id] with two versions of a reply, and a message being edited');
	await app.conversation.getByRole('link', { name: 'Cancel' }).click();
	await expect(page.getByRole('textbox', { name: 'Edit message' })).toHaveCount(0);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.getByRole('button', { name: 'Chats' }).click();
	await expect(app.chats).toBeVisible();
	await expectNoViolations(page, '/chat/[id] on a phone, with the chat list open');
	await page.keyboard.press('Escape');
	await page.setViewportSize({ width: 1280, height: 720 });
});

test('axe finds no violations in the library, the account and a share, in light and dark', async ({ app, page }) => {
	test.setTimeout(90_000);
	await app.signUp();
	const fails = unique('This one fails');
	await fakeModel.fail(fails, 'status');
	await app.send(fails);
	await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
	await app.settled();
	await app.send('Notes on markdown');
	await expect(app.said(replyFor('Notes on markdown'))).toBeVisible();
	await app.settled();

	// The library: search results, renaming, the delete question, a share, the library page.
	await page.goto('/search?q=markdown');
	await expect(page.locator('mark').first()).toBeVisible();
	await expectNoViolations(page, '/search with results');
	const item = app.chatRow('This one fails');
	await item.getByRole('button', { name: 'Chat options' }).click();
	await expectNoViolations(page, 'a chat row with its options open', 'nav details[open]');
	await item.getByRole('button', { name: 'Rename' }).click();
	await expect(app.chats.getByRole('textbox', { name: 'Chat title' })).toBeVisible();
	await expectNoViolations(page, 'renaming a chat', 'nav');
	await page.keyboard.press('Escape');
	await app.fromChatRow('This one fails', 'Delete');
	await expect(page.getByRole('dialog')).toBeVisible();
	await expectNoViolations(page, 'the delete question', 'dialog');
	await page.keyboard.press('Escape');
	await item.getByRole('link').click();
	await app.ready();
	await app.openChatOptions();
	await page.getByRole('link', { name: 'Share', exact: true }).click();
	await expect(page.getByRole('dialog', { name: 'Share this chat' })).toBeVisible();
	await expectNoViolations(page, '/chat/[id] asking before it shares', 'dialog');
	const shareUrl = await app.share();
	await expectNoViolations(page, '/chat/[id] with its share link', 'dialog');
	await page.goto('/chats');
	await expectNoViolations(page, '/chats');
	await app.openUserMenu();
	await expectNoViolations(page, 'the account menu open', 'aside details[open]');
	await app.fromUserMenu('Account');
	await expect(page.getByRole('button', { name: 'Delete my account' })).toBeVisible();
	await expectNoViolations(page, '/account');
	await page.goto(shareUrl);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expectNoViolations(page, 'a shared chat');

	await page.goto('/chat/00000000-0000-0000-0000-000000000000');
	await expectNoViolations(page, 'the 404 page');
});

test("axe finds no violations on a guest's pages, in light and dark", async ({ app, page }) => {
	await page.goto('/login');
	await app.ready();
	await page.getByRole('button', { name: 'Try it without an account' }).click();
	await app.signedIn();
	await expectNoViolations(page, '/chat as a guest');
	await app.fromUserMenu('Account');
	await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
	await expectNoViolations(page, '/account as a guest');
	await page.getByRole('textbox', { name: 'Email' }).fill('not an address');
	await page.getByLabel('Password').fill('x');
	await page.getByRole('button', { name: 'Create account' }).evaluate((button: HTMLButtonElement) => {
		button.form?.setAttribute('novalidate', '');
	});
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoViolations(page, '/account as a guest, with an error', 'main');
});

test('buttons meet 4.5:1 in dark mode', async ({ app, page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await app.signUp();
	expect(await axeViolations(page, { rules: ['color-contrast'] })).toEqual([]);
	const send = page.getByRole('button', { name: 'Send' });
	const colors = await send.evaluate((button) => {
		const style = getComputedStyle(button);
		return [style.color, style.backgroundColor];
	});
	// The control: the check above did look at a filled button.
	expect(colors).toEqual(['rgb(13, 21, 38)', 'rgb(122, 156, 240)']);
});

test('replies land in a polite log, and old failures raise no alert', async ({ app, page }) => {
	await app.signUp();
	const log = app.conversation.getByRole('log');
	const first = unique('First, failing');
	await fakeModel.fail(first, 'status');
	await app.send(first);
	await expect(page.getByRole('alert')).toContainText('This reply failed before it finished.');
	await expect(log).toHaveCount(1);
	await app.send('Second, fine');
	await expect(log.getByText(replyFor('Second, fine'), { exact: true })).toBeVisible();
	await app.settled();
	const third = unique('Third, failing');
	await fakeModel.fail(third, 'status');
	await app.send(third);
	await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(2);
	await page.reload();
	// Two failed replies on the page, one alert: the latest.
	await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(2);
	await expect(page.getByRole('alert')).toHaveCount(1);
	await expect(log).not.toHaveAttribute('aria-busy', 'true');
});

test('axe finds no violations on tool cards, waiting for an answer and done, in light and dark', async ({
	app,
	page
}) => {
	await app.signUp();
	const question = unique('Add, then send a note');
	await fakeModel.callTools(question, [
		{ name: 'test__add', arguments: { a: 1, b: 2 } },
		{ name: 'test__send_note', arguments: { text: unique('A note') } }
	]);
	await fakeModel.say(question, 'Done with the tools.');
	await app.send(question);
	const cards = app.conversation.getByRole('list', { name: 'Tool calls' });
	await expect(cards).toContainText('Waiting for your answer');
	await expectNoViolations(page, 'a tool call waiting for an answer', 'main');
	await cards.getByRole('button', { name: 'Allow', exact: true }).click();
	await expect(app.said('Done with the tools.')).toBeVisible();
	await cards.getByText('add', { exact: true }).click();
	await expect(cards.getByText('3', { exact: true })).toBeVisible();
	await expectNoViolations(page, 'tool calls done, one open', 'main');
});

test('axe finds no violations in two-factor sign-in: setting it up, and the code step, in light and dark', async ({
	app,
	page
}) => {
	await app.signUp();
	await page.goto('/account');
	await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
	const key = page.locator('.key code');
	await expect(key).toBeVisible();
	await expectNoViolations(page, '/account setting up an authenticator app');
	const secret = (await key.innerText()).replace(/\s+/g, '');
	const code = (at: number) => totpCode(secret, at);
	await page.getByRole('textbox', { name: 'Code from your app' }).fill(code(Date.now()));
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page.getByRole('button', { name: 'Remove' })).toBeVisible();
	await expectNoViolations(page, '/account with an authenticator app');
	await app.signOut();
	await page.goto('/login');
	await app.fillCredentials();
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await page.getByRole('textbox', { name: 'Code' }).fill('123');
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoViolations(page, '/login/code with a refused code');
});
