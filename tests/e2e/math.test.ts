// Formulas are typeset with KaTeX while a reply streams, once it is stored, on a share page and
// without JavaScript; money stays text; and KaTeX (its code, stylesheet and fonts) loads only on a
// page that shows a formula.
import type { Locator, Page } from '@playwright/test';
import { ChatApp, expect, fakeModel, test, unique } from './support.ts';

const REPLY =
	'The integral $\\int_0^1 x\\,dx = \\frac{1}{2}$ and \\(e^{i\\pi} + 1 = 0\\), summed up as ' +
	'$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$ Lunch costs $5 and $10.';

/** Every request of the page whose address names KaTeX. */
function katexRequests(page: Page): string[] {
	const seen: string[] = [];
	page.on('request', (request) => {
		if (/katex/i.test(request.url())) seen.push(request.url());
	});
	return seen;
}

async function expectTypeset(reply: Locator) {
	await expect(reply.locator('.katex')).toHaveCount(3);
	await expect(reply.locator('.math-display .katex-display')).toHaveCount(1);
	// MathML for screen readers, with the TeX it came from.
	await expect(reply.locator('math')).toHaveCount(3);
	await expect(reply.locator('annotation').first()).toHaveText('\\int_0^1 x\\,dx = \\frac{1}{2}');
	await expect(reply).toContainText('Lunch costs $5 and $10.');
	await expect(reply).not.toContainText('$\\int');
	// KaTeX's stylesheet is there (once the page has loaded it): its fonts are in use.
	const katex = reply.locator('.katex').first();
	await expect.poll(() => katex.evaluate((element) => getComputedStyle(element).fontFamily)).toContain('KaTeX_Main');
}

test('a formula streams in typeset and stays so after a reload; money stays text', async ({ app, page }) => {
	const requests = katexRequests(page);
	await app.signUp();
	const ask = unique('Formulas');
	await fakeModel.say(ask, REPLY, 40);
	await app.send(ask);
	const reply = app.conversation.getByRole('listitem').nth(1);
	await app.settled();
	await expectTypeset(reply);
	expect(requests.length, 'KaTeX loaded for the formula').toBeGreaterThan(0);
	await page.reload();
	await expectTypeset(app.conversation.getByRole('listitem').nth(1));
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the chat page and its share page show formulas', async ({ page }) => {
		const app = await new ChatApp(page, 'math', { javaScript: false }).signUp();
		const ask = unique('Formulas without JavaScript');
		await fakeModel.say(ask, REPLY);
		await app.send(ask);
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expectTypeset(app.conversation.getByRole('listitem').nth(1));
		await page.goto(`${page.url()}?share`);
		const link = await app.share();
		await page.goto(link);
		await expectTypeset(page.getByRole('main').getByRole('listitem').nth(1));
	});
});

test('a chat without formulas loads no KaTeX', async ({ app, page }) => {
	const requests = katexRequests(page);
	await app.signUp();
	const ask = unique('Prices');
	await fakeModel.say(ask, 'Lunch costs $5 and $10, and `echo $HOME` prints a path.', 40);
	await app.send(ask);
	await app.settled();
	await expect(app.conversation).toContainText('Lunch costs $5 and $10');
	await page.reload();
	await expect(app.conversation).toContainText('Lunch costs $5 and $10');
	expect(requests).toEqual([]);
});
