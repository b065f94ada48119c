// Every page a person opens, and the library's downloads, as the server renders them. Under vite
// dev (@vite) each route's server modules are loaded by vite's module runner, not from the build:
// this is where a page that only the dev server cannot load would show. What people do on these
// pages runs on the worker (tests/README.md says which tests run where).
import { ChatApp, expect, test, unique } from './support.ts';

test('every page renders, signed out and signed in, without JavaScript', { tag: '@vite' }, async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	const heading = page.getByRole('heading', { level: 1 });
	const opens = async (path: string, title: string | RegExp, status = 200) => {
		const response = await page.goto(path);
		expect(response?.status(), path).toBe(status);
		await expect(heading, path).toHaveText(title);
	};

	await opens('/login', 'Parley');
	await opens('/forgot', 'Reset your password');
	await opens('/auth/confirm', 'This link cannot be used');
	await opens('/share/not-a-share', 'Not found', 404);

	const app = await new ChatApp(page, 'pages', { javaScript: false }).signUp();
	await opens('/chat', 'New chat');
	await opens('/account', 'Account');
	// A chat by the library's import form, a file posted as multipart without JavaScript.
	const title = unique('Every page');
	const file = {
		format: 'parley.chats',
		version: 1,
		chats: [
			{
				title,
				messages: [
					{ role: 'user', content: 'Where does the river go?' },
					{ role: 'assistant', content: 'To the **sea**.' }
				]
			}
		]
	};
	await opens('/chats', 'Library: export, import and shared links');
	await page.getByLabel('Parley export (JSON)').setInputFiles({
		name: 'chats.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(file))
	});
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(page.getByText('Imported 1 chat.')).toBeVisible();

	await app.chatRow(title).getByRole('link').click();
	await expect(heading).toHaveText(title);
	await expect(app.conversation.locator('strong')).toHaveText('sea');
	await opens(`/search?q=${encodeURIComponent('river')}`, 'Search');
	await expect(
		page.getByRole('region', { name: 'Search results' }).getByRole('link', { name: title, exact: true })
	).toBeVisible();
	await opens('/chat/00000000-0000-4000-8000-000000000000', 'Not found', 404);

	const exported = await page.request.get('/chats/export?format=json');
	expect(exported.status()).toBe(200);
	expect((await exported.json()).chats.map((chat: { title: string }) => chat.title)).toEqual([title]);
	const markdown = await page.request.get('/chats/export?format=markdown');
	expect(await markdown.text()).toContain('To the **sea**.');
	await context.close();
});
