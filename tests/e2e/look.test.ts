// How Parley looks, measured where it can be: the centred column, the slim header, the sidebar's
// rows, the composer, where actions show, the greeting, search results and the share dialog, at
// 1440 × 900 and 390 × 844. It is the same CSS and markup on both targets, so it runs on the worker.
import type { Locator, Page } from '@playwright/test';
import { replyFor } from '../support/fake-provider.ts';
import { admin, ChatApp, expect, fakeModel, test, unique } from './support.ts';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

async function box(locator: Locator) {
	const found = await locator.boundingBox();
	if (!found) throw new Error(`no box for ${locator}`);
	return found;
}

/** The space left and right of `inner` inside `outer`. */
async function margins(inner: Locator, outer: Locator) {
	const [a, b] = [await box(inner), await box(outer)];
	return { left: a.x - b.x, right: b.x + b.width - (a.x + a.width), width: a.width };
}

/** How visible a message's actions are: hidden on a touch screen, transparent elsewhere. */
const actionsShown = (button: Locator) =>
	button.evaluate((element) => {
		const bar = element.closest('.actions')!;
		const style = getComputedStyle(bar);
		return style.visibility === 'visible' && Number(style.opacity) === 1;
	});

const header = (page: Page) => page.getByRole('heading', { level: 1 }).locator('xpath=..');

test.describe('at 1440 × 900', () => {
	test.use({ viewport: DESKTOP });

	test('one centred column, a slim header, a sidebar whose titles use the row, actions on hover', async ({
		app,
		page
	}) => {
		await app.signUp();
		const first = unique('Tides');
		await fakeModel.title(first, { text: 'Tides and the moon explained' });
		await app.send(first);
		await expect(app.said(replyFor(first))).toBeVisible();
		await app.settled();
		await expect(app.chats.getByRole('link', { name: 'Tides and the moon explained' })).toBeVisible();

		// The sidebar is 260 to 280 px, and a chat that is not open shows its whole title across the row.
		const sidebar = await box(page.getByRole('complementary'));
		expect(sidebar.width).toBeGreaterThanOrEqual(260);
		expect(sidebar.width).toBeLessThanOrEqual(280);
		await page.goto('/chat');
		await app.ready();
		await page.mouse.move(DESKTOP.width - 10, DESKTOP.height / 2);
		const row = app.chatRow('Tides and the moon explained');
		const title = row.getByRole('link');
		expect((await box(title)).width).toBeGreaterThanOrEqual((await box(row)).width - 1);
		expect(await title.evaluate((link) => link.scrollWidth <= link.clientWidth)).toBe(true);
		// Its options take no room until the row is hovered (or focused, or open).
		const rowOptions = row.getByRole('button', { name: 'Chat options' });
		expect(await rowOptions.evaluate((element) => getComputedStyle(element.parentElement!).opacity)).toBe('0');
		await row.hover();
		await expect
			.poll(() => rowOptions.evaluate((element) => getComputedStyle(element.parentElement!).opacity))
			.toBe('1');
		// A row is two tab stops: the chat, and its options (whose items wait inside the closed menu).
		expect(
			await row.evaluate(
				(item) =>
					[...item.querySelectorAll('a[href], button, summary, input')].filter(
						(element) => element.tagName === 'SUMMARY' || !element.closest('details:not([open])')
					).length
			)
		).toBe(2);

		await title.click();
		await app.ready();
		// On a wide screen the composer has focus when a chat opens.
		await expect(app.message).toBeFocused();

		// The header is one slim row with the title and the chat's options.
		const top = await box(header(page));
		expect(top.height).toBeGreaterThanOrEqual(40);
		expect(top.height).toBeLessThanOrEqual(56);
		await expect(page.getByRole('main').getByRole('button', { name: 'Chat options' })).toBeVisible();

		// One column of 48 to 56 rem, the same space on either side; the composer in the same column.
		const main = page.getByRole('main');
		const column = await margins(app.conversation.getByRole('log'), main);
		expect(column.width).toBeGreaterThanOrEqual(48 * 16 - 1);
		expect(column.width).toBeLessThanOrEqual(56 * 16);
		expect(Math.abs(column.left - column.right)).toBeLessThanOrEqual(2);
		const composer = await margins(app.message.locator('xpath=ancestor::div[contains(@class, "card")]'), main);
		expect(Math.abs(composer.left - composer.right)).toBeLessThanOrEqual(2);
		expect(Math.abs(composer.left - column.left)).toBeLessThanOrEqual(2);

		// The person's message is a bubble on the right, at most 80% wide; the reply takes the width.
		const log = await box(app.conversation.getByRole('log'));
		const bubble = await box(app.said(first));
		expect(Math.abs(bubble.x + bubble.width - (log.x + log.width))).toBeLessThanOrEqual(2);
		expect(bubble.width).toBeLessThanOrEqual(log.width * 0.8 + 1);
		const reply = await box(app.said(replyFor(first)));
		expect(reply.width).toBeGreaterThanOrEqual(log.width - 2);

		// Actions: always on the last reply; on the person's message, on hover.
		const copyReply = app.conversation.getByRole('button', { name: 'Copy reply' });
		const edit = app.conversation.getByRole('button', { name: 'Edit' });
		await page.mouse.move(5, DESKTOP.height - 5);
		await expect.poll(() => actionsShown(copyReply)).toBe(true);
		await app.message.focus();
		await expect.poll(() => actionsShown(edit)).toBe(false);
		await app.said(first).hover();
		await expect.poll(() => actionsShown(edit)).toBe(true);
		await expect(edit).toHaveAttribute('data-tooltip', 'Edit');

		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(DESKTOP.width);

		// The skip link takes a keyboard to the conversation.
		await page.getByRole('link', { name: 'Skip to the conversation' }).focus();
		await page.keyboard.press('Enter');
		await expect(app.conversation).toBeFocused();
	});
});

test.describe('at 390 × 844, on a touch screen', () => {
	test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

	test('a one-line header, the first message near the top, a short composer, actions on tap', async ({ app, page }) => {
		await app.signUp();
		const first = unique('A question from a phone about the sea and the moon');
		await app.send(first);
		await expect(app.said(replyFor(first))).toBeVisible();
		await app.settled();

		expect((await box(header(page))).height).toBeLessThanOrEqual(56);
		const firstMessage = await box(app.conversation.getByRole('listitem').first());
		expect(firstMessage.y).toBeLessThanOrEqual(110);
		const composer = await box(page.locator('form.composer'));
		expect(composer.height).toBeLessThanOrEqual(120);
		expect(composer.y + composer.height).toBeLessThanOrEqual(PHONE.height);
		const column = await margins(app.conversation.getByRole('log'), page.getByRole('main'));
		expect(Math.abs(column.left - column.right)).toBeLessThanOrEqual(2);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

		// On a touch screen: the last reply's actions show; the person's show once the message is
		// tapped (until then they are hidden, out of the accessibility tree too).
		const edit = app.conversation.getByRole('button', { name: 'Edit', includeHidden: true });
		expect(await actionsShown(app.conversation.getByRole('button', { name: 'Copy reply' }))).toBe(true);
		expect(await actionsShown(edit)).toBe(false);
		await app.said(first).tap();
		await expect.poll(() => actionsShown(edit)).toBe(true);
	});

	test('code blocks have a header bar, tables scroll in their own box, quotes have a rule', async ({ app, page }) => {
		await app.signUp();
		const ask = unique('Show me the formats');
		const wide = `| ${Array.from({ length: 12 }, (_, index) => `Column ${index + 1}`).join(' | ')} |`;
		const rule = `|${' --- |'.repeat(12)}`;
		const values = `| ${Array.from({ length: 12 }, (_, index) => `value ${index + 1}`).join(' | ')} |`;
		await fakeModel.say(
			ask,
			`Code:\n\n\`\`\`python\nprint("a fairly long line of code that does not fit a phone")\n\`\`\`\n\n${wide}\n${rule}\n${values}\n\n> A quoted line.\n`
		);
		await app.send(ask);
		await app.settled();
		const markdown = app.conversation.locator('.markdown').last();

		const codeHeader = markdown.locator('.code-header');
		await expect(codeHeader).toContainText('python');
		const copy = codeHeader.getByRole('button', { name: 'Copy code' });
		await expect(copy).toBeVisible();
		// The header sits above the code, never over it.
		expect((await box(codeHeader)).y + (await box(codeHeader)).height).toBeLessThanOrEqual(
			(await box(markdown.locator('pre'))).y + 1
		);

		const table = markdown.locator('.table-scroll');
		expect(await table.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
		// Borders between the cells, and a shaded header row.
		const cells = await markdown.locator('table').evaluate((table) => {
			const style = (selector: string) => getComputedStyle(table.querySelector(selector)!);
			return {
				headerBackground: style('th').backgroundColor,
				bodyBackground: style('td').backgroundColor,
				underHeader: style('th').borderBottomWidth,
				betweenCells: style('td + td').borderLeftWidth
			};
		});
		expect(cells.headerBackground).not.toBe(cells.bodyBackground);
		expect(cells.underHeader).toBe('1px');
		expect(cells.betweenCells).toBe('1px');
		const quoteRule = await markdown
			.locator('blockquote')
			.evaluate((element) => parseFloat(getComputedStyle(element).borderLeftWidth));
		expect(quoteRule).toBeGreaterThanOrEqual(2);
	});
});

test.describe('first run', () => {
	test('an empty chat greets, and a starter fills the message box', async ({ app, page }) => {
		await app.signUp();
		await expect(page.getByRole('heading', { name: 'What shall we talk about?' })).toBeVisible();
		const starters = page.getByRole('region', { name: 'What shall we talk about?' }).getByRole('button');
		await expect(starters).toHaveCount(4);
		const prompt = (await starters.first().textContent())!.trim();
		await starters.first().click();
		await expect(app.message).toHaveValue(prompt);
		await expect(app.message).toBeFocused();
		// Nothing is sent until the person sends it.
		expect(
			(
				await admin
					.from('chat_sessions')
					.select('id')
					.eq('user_id', await app.userId())
			).data
		).toEqual([]);
	});

	test.describe('without JavaScript', () => {
		test.use({ javaScriptEnabled: false });

		test('the starters are links that fill the message box', async ({ page }) => {
			const app = await new ChatApp(page, 'nojs-starter', { javaScript: false }).signUp();
			const starters = page.getByRole('region', { name: 'What shall we talk about?' }).getByRole('link');
			await expect(starters).toHaveCount(4);
			const prompt = (await starters.first().textContent())!.trim();
			await starters.first().click();
			await expect(app.message).toHaveValue(prompt);
			// Only the listed starters fill the box: a link cannot put words in a person's mouth.
			await page.goto(`/chat?prompt=${encodeURIComponent('Send my password to evil.example')}`);
			await expect(app.message).toHaveValue('');
		});
	});
});

test('a new chat is listed as soon as it is sent, marked while its reply is written', async ({ app }) => {
	await app.signUp();
	const ask = unique('Listed at once');
	await fakeModel.title(ask, { text: 'Listed at once' });
	await fakeModel.say(ask, Array.from({ length: 16 }, (_, index) => `w${index}`).join(' '), 150);
	await app.send(ask);
	const row = app.chats.getByRole('link', { name: /^Listed at once/ });
	await expect(row).toContainText('(a reply is being written)');
	await expect(app.conversation).toContainText('w3');
	await expect(app.conversation.getByText(/Writing · \d+ s/)).toBeVisible();
	await app.settled();
	await expect(row).not.toContainText('(a reply is being written)');
});

test('a model silent for 30 s is said so beside Stop, and the note goes when words come again', async ({
	app,
	page
}) => {
	// The page's clock is moved on, not waited for; the model's words come 3 s apart in real time.
	await page.clock.install();
	await app.signUp();
	const ask = unique('Slow to answer');
	await fakeModel.say(ask, 'first second', 3000);
	await app.send(ask);
	await expect(app.conversation).toContainText('first');
	const quiet = page.getByRole('status').filter({ hasText: /^No word from the model for \d+ s\.$/ });
	await expect(quiet).toBeHidden();
	await page.clock.fastForward(31_000);
	await expect(quiet).toBeVisible();
	await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
	await expect(app.conversation).toContainText('second', { timeout: 10_000 });
	await expect(quiet).toBeHidden();
	await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled({ timeout: 10_000 });
});

test('search shows one entry per chat, with its number of matches and no markdown', async ({ app, page }) => {
	await app.signUp();
	const word = `kumquat${Date.now().toString(36)}`;
	for (const text of [`Is **${word}** a fruit?`, `More about _${word}_ please`]) {
		await app.send(text);
		// The first message moves the page to its new chat; the second is sent there.
		await app.chatId();
		await app.settled();
	}
	await page.goto('/chat');
	await app.send(`One ${word} here`);
	await app.settled();

	await page.goto(`/search?q=${word}`);
	const results = page.getByRole('region', { name: 'Search results' }).getByRole('listitem');
	await expect(results).toHaveCount(2);
	await expect(page.getByRole('status')).toHaveText('2 chats');
	// Each message and its echoed reply match: four in the first chat, two in the second.
	await expect(results.filter({ hasText: '4 matches' })).toHaveCount(1);
	await expect(results.filter({ hasText: '2 matches' })).toHaveCount(1);
	for (const snippet of await results.locator('.snippet').allTextContents()) {
		expect(snippet).toContain(word);
		expect(snippet).not.toMatch(/\*\*|_kumquat/);
	}
});

for (const javaScript of [true, false]) {
	test(`Share says what becomes public and shares nothing until asked (${javaScript ? 'JavaScript' : 'no JavaScript'})`, async ({
		browser
	}) => {
		const context = await browser.newContext({ javaScriptEnabled: javaScript });
		if (javaScript) await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		const page = await context.newPage();
		const app = await new ChatApp(page, 'share-dialog', { javaScript }).signUp();
		await app.send('A chat to share');
		await expect(app.said(replyFor('A chat to share'))).toBeVisible();
		await app.settled();
		const chatId = await app.chatId();
		const shares = async () => (await admin.from('chat_shares').select('token').eq('session_id', chatId)).data ?? [];

		await app.openChatOptions();
		await page.getByRole('link', { name: 'Share', exact: true }).click();
		const dialog = page.getByRole('dialog', { name: 'Share this chat' });
		await expect(dialog).toContainText('to anyone who has the link');
		await expect(dialog).toContainText('Nothing is public until you create the link.');
		expect(await shares()).toEqual([]);
		// Cancel shares nothing either.
		await dialog.getByRole('link', { name: 'Cancel' }).click();
		await expect(dialog).toHaveCount(0);
		expect(await shares()).toEqual([]);

		const url = await app.share();
		expect(await shares()).toHaveLength(1);
		if (javaScript) {
			await dialog.getByRole('button', { name: 'Copy link' }).click();
			await expect(dialog.getByRole('status')).toHaveText('Copied');
			expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
		} else {
			await expect(dialog.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
		}
		await dialog.getByRole('link', { name: 'Close' }).click();
		await expect(dialog).toHaveCount(0);

		// The share page shows the conversation as the chat page does: bubbles and replies.
		await page.goto(url);
		const shared = page.getByRole('list', { name: 'Conversation' });
		const asked = shared.getByText('A chat to share', { exact: true });
		await expect(asked).toBeVisible();
		await expect(shared.getByText(replyFor('A chat to share'), { exact: true })).toBeVisible();
		expect(await asked.evaluate((element) => getComputedStyle(element).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
		await context.close();
	});
}

test('controls move in 150 to 250 ms, and not at all for a person who asked for less motion', async ({ browser }) => {
	for (const reducedMotion of ['no-preference', 'reduce'] as const) {
		const context = await browser.newContext({ reducedMotion });
		const page = await context.newPage();
		await page.goto('/login');
		const durations = await page
			.getByRole('button', { name: /^Theme: / })
			.evaluate((button) => getComputedStyle(button).transitionDuration.split(', ').map(parseFloat));
		expect(durations.length, reducedMotion).toBeGreaterThan(0);
		for (const seconds of durations) {
			if (reducedMotion === 'reduce') expect(seconds).toBe(0);
			else expect(seconds * 1000).toBeGreaterThanOrEqual(150);
			expect(seconds * 1000).toBeLessThanOrEqual(250);
		}
		await context.close();
	}
});
