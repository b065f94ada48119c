// How replies are drawn: code highlighted by a highlighter that loads only when a code block
// appears, and a reply streamed with an open code fence that never shows half-made HTML.
import { expect, fakeModel, test, unique } from './support.ts';

const CODE_REPLY = 'Here it is:\n\n```js\nconst answer = 42; // the answer\n```\n\nAnd **done**.';

test('code is highlighted, by a highlighter that loads only once a reply has code', async ({ app, page }) => {
	// Built chunks are named by hash, so the highlighter is found by what it holds.
	const scripts: string[] = [];
	page.on('response', (response) => {
		if (response.request().resourceType() === 'script') scripts.push(response.url());
	});
	const highlighterLoaded = async () => {
		for (const url of scripts)
			if ((await (await page.request.get(url)).text()).includes('registerLanguage')) return true;
		return false;
	};
	await app.signUp();
	await app.send('No code here, please');
	await expect(app.said('Echo: No code here, please')).toBeVisible();
	await app.settled();
	expect(await highlighterLoaded()).toBe(false);

	const ask = unique('Show me code');
	await fakeModel.say(ask, CODE_REPLY);
	await app.send(ask);
	const keyword = app.conversation.locator('pre code .hljs-keyword');
	await expect(keyword).toHaveText('const');
	await expect(app.conversation.locator('pre code .hljs-comment')).toHaveText('// the answer');
	expect(await highlighterLoaded()).toBe(true);

	// Stored replies come from the server unhighlighted, and are highlighted once the page runs.
	await page.reload();
	await app.ready();
	await expect(keyword).toHaveText('const');
	await expect(app.conversation.locator('pre code')).toHaveText('const answer = 42; // the answer\n');
});

test('a reply streamed with an open code fence shows as code all along, never as stray markup', async ({
	app,
	page
}) => {
	await app.signUp();
	await app.ready();
	// Record, at every change, whether the streaming reply holds text that looks like markup.
	await page.evaluate(() => {
		const seen: string[] = [];
		(window as unknown as { strayMarkup: string[] }).strayMarkup = seen;
		new MutationObserver(() => {
			const replies = document.querySelectorAll('[aria-label="Conversation"] li.assistant .markdown');
			const text = replies[replies.length - 1]?.textContent ?? '';
			if (/```|<\/?[a-z]/i.test(text)) seen.push(text);
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
	const ask = unique('Stream some HTML code');
	await fakeModel.say(ask, 'Start:\n\n```html\n<div class="x">\n  <b>bold</b>\n</div>\n```\n\nEnd of it.');
	await app.send(ask);
	await expect(app.said('End of it.')).toBeVisible();
	await app.settled();
	// Inside the code block the tags are text; the fence marks themselves never show.
	const stray = await page.evaluate(() => (window as unknown as { strayMarkup: string[] }).strayMarkup);
	expect(stray.filter((text) => text.includes('```'))).toEqual([]);
	await expect(app.conversation.locator('pre code')).toContainText('<b>bold</b>');
	await expect(app.conversation.locator('li.assistant b')).toHaveCount(0);
});
