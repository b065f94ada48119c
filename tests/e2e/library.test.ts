// The chat library: the grouped, paged chat list with rename and delete, search, share links,
// export and import. Each runs with JavaScript and, where a person could be without it, without.
import { randomUUID } from 'node:crypto';
import { admin, ChatApp, expect, storedFor, test } from './support.ts';

const DAY = 86_400_000;

/** Chats of `userId` last written `daysAgo` days back, stored directly (they are the setting, not the subject). */
async function seedChats(userId: string, chats: { title: string; daysAgo: number; message?: string }[]) {
	const now = Date.now();
	const { data, error } = await admin
		.from('chat_sessions')
		.insert(
			chats.map(({ title, daysAgo }) => {
				const at = new Date(now - daysAgo * DAY).toISOString();
				return { user_id: userId, title, created_at: at, updated_at: at };
			})
		)
		.select('id, title');
	if (error) throw error;
	const messages = chats.flatMap(({ title, message }) => {
		const id = data.find((row) => row.title === title)!.id;
		const asked = randomUUID();
		return message
			? [
					// Every row names its id: one bulk insert sends each row with the same columns.
					{ id: asked, session_id: id, parent_id: null, user_id: userId, role: 'user' as const, content: message },
					{
						id: randomUUID(),
						session_id: id,
						parent_id: asked,
						user_id: userId,
						role: 'assistant' as const,
						content: `About ${title}.`
					}
				]
			: [];
	});
	if (messages.length) {
		const inserted = await admin.from('chat_messages').insert(messages);
		if (inserted.error) throw inserted.error;
	}
	return new Map(data.map((row) => [row.title, row.id]));
}

/** Adds a message at the end of a seeded chat (below its newest message). */
async function append(sessionId: string, userId: string, role: 'user' | 'assistant', content: string) {
	const { data: last } = await admin
		.from('chat_messages')
		.select('id')
		.eq('session_id', sessionId)
		.order('position', { ascending: false })
		.limit(1)
		.maybeSingle();
	const { error } = await admin
		.from('chat_messages')
		.insert({ session_id: sessionId, parent_id: last?.id ?? null, user_id: userId, role, content });
	if (error) throw error;
}

for (const javaScript of [true, false]) {
	test.describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled: javaScript });

		test('groups the chat list by date and renames and deletes a chat', async ({ page }) => {
			const app = await new ChatApp(page, 'library', { javaScript }).signUp();
			await seedChats(await app.userId(), [
				{ title: 'Written today', daysAgo: 0 },
				{ title: 'Written yesterday', daysAgo: 1 },
				{ title: 'Written this week', daysAgo: 4 },
				{ title: 'Written this month', daysAgo: 20 },
				{ title: 'Written long ago', daysAgo: 200 }
			]);
			await page.goto('/chat');
			await app.ready();
			for (const [heading, title] of [
				['Today', 'Written today'],
				['Yesterday', 'Written yesterday'],
				['Previous 7 days', 'Written this week'],
				['Previous 30 days', 'Written this month']
			]) {
				const group = app.chats.getByRole('region', { name: heading, exact: true });
				await expect(group.getByRole('link', { name: title })).toBeVisible();
			}
			const longAgo = new Date(Date.now() - 200 * DAY).toLocaleDateString('en', {
				month: 'long',
				year: 'numeric',
				timeZone: 'UTC'
			});
			await expect(
				app.chats.getByRole('region', { name: longAgo }).getByRole('link', { name: 'Written long ago' })
			).toBeVisible();

			// Rename: a textbox in place of the link, saved with Save.
			await app.fromChatRow('Written yesterday', 'Rename');
			const title = app.chats.getByRole('textbox', { name: 'Chat title' });
			await expect(title).toHaveValue('Written yesterday');
			await title.fill('  Renamed   chat 🌊 ');
			await app.chats.getByRole('button', { name: 'Save' }).click();
			await expect(app.chats.getByRole('link', { name: 'Renamed chat 🌊' })).toBeVisible();
			await expect(app.chats.getByRole('link', { name: 'Written yesterday' })).toHaveCount(0);

			// An empty title is refused, and nothing changes.
			await app.fromChatRow('Renamed chat', 'Rename');
			await app.chats.getByRole('textbox', { name: 'Chat title' }).fill('   ');
			await app.chats
				.getByRole('textbox', { name: 'Chat title' })
				.evaluate((input) => input.removeAttribute('required'));
			await app.chats.getByRole('button', { name: 'Save' }).click();
			await expect(page.getByRole('alert').filter({ hasText: 'Give the chat a title.' })).toBeVisible();

			// Delete asks first; Cancel keeps the chat, Delete removes it.
			await page.goto('/chat');
			await app.ready();
			await app.fromChatRow('Written this week', 'Delete');
			const dialog = page.getByRole('dialog', { name: 'Delete this chat?' });
			await expect(dialog).toContainText('Written this week');
			await dialog.getByRole('link', { name: 'Cancel' }).click();
			await expect(page.getByRole('dialog')).toHaveCount(0);
			await app.fromChatRow('Written this week', 'Delete');
			await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
			await expect(page.getByRole('dialog')).toHaveCount(0);
			await expect(app.chats.getByRole('link', { name: 'Written this week' })).toHaveCount(0);

			const stored = await storedFor(await app.userId());
			expect(stored.sessions.map((session) => session.title).sort()).toEqual(
				['Renamed chat 🌊', 'Written long ago', 'Written this month', 'Written today'].sort()
			);

			// Delete all chats, confirmed.
			await app.chats.getByRole('button', { name: 'Delete all chats' }).click();
			await page.getByRole('dialog', { name: 'Delete all chats?' }).getByRole('button', { name: 'Delete' }).click();
			await expect(app.chats.getByText('No chats yet.')).toBeVisible();
			expect((await storedFor(await app.userId())).sessions).toEqual([]);
		});

		test('pages through many chats with More', async ({ page }) => {
			const app = await new ChatApp(page, 'paging', { javaScript }).signUp();
			await seedChats(
				await app.userId(),
				Array.from({ length: 120 }, (_, index) => ({ title: `Chat number ${index + 1}`, daysAgo: index / 10 }))
			);
			await page.goto('/chat');
			await app.ready();
			const links = app.chats.getByRole('link', { name: /^Chat number \d+$/ });
			await expect(links).toHaveCount(50);
			if (javaScript) {
				// Scrolling to the end loads the next pages in place.
				for (let count = 100; count <= 120; count += 20) {
					await app.chats.getByRole('link', { name: 'More' }).scrollIntoViewIfNeeded();
					await expect(links).toHaveCount(Math.min(count, 120));
				}
				await expect(app.chats.getByRole('link', { name: 'More' })).toHaveCount(0);
			} else {
				await app.chats.getByRole('link', { name: 'More' }).click();
				await expect(links).toHaveCount(50);
				await expect(links.first()).toHaveText('Chat number 51');
				await app.chats.getByRole('link', { name: 'More' }).click();
				await expect(links).toHaveCount(20);
				await expect(links.last()).toHaveText('Chat number 120');
				await expect(app.chats.getByRole('link', { name: 'More' })).toHaveCount(0);
				await app.chats.getByRole('link', { name: 'Newest chats' }).click();
				await expect(links.first()).toHaveText('Chat number 1');
			}
		});

		test('searches only the person’s own chats, with highlighted snippets', async ({ page, browser }) => {
			const other = await browser.newContext({ javaScriptEnabled: javaScript });
			const intruder = await new ChatApp(await other.newPage(), 'search-b', { javaScript }).signUp();
			await seedChats(await intruder.userId(), [
				{ title: 'B private', daysAgo: 0, message: 'My secret sourdough starter recipe' }
			]);
			await other.close();

			const app = await new ChatApp(page, 'search-a', { javaScript }).signUp();
			const ids = await seedChats(await app.userId(), [
				{ title: 'Bread', daysAgo: 1, message: 'How long should a sourdough starter rest?' },
				{ title: 'Cheese', daysAgo: 2, message: 'Which cheeses melt well?' }
			]);
			await page.goto('/chat');
			await app.ready();
			const box = page.getByRole('searchbox', { name: 'Search chats' });
			await box.fill('sourdough');
			await box.press('Enter');
			await expect(page).toHaveURL(/\/search\?q=sourdough$/);
			const results = page.getByRole('main').getByRole('listitem');
			await expect(results).toHaveCount(1);
			await expect(results.getByRole('link', { name: 'Bread' })).toBeVisible();
			await expect(results.locator('mark')).toHaveText(['sourdough']);
			await expect(page.getByText('secret')).toHaveCount(0);

			// Phrases, exclusions, and partial words (the trigram fallback).
			await page.goto('/search?q=%22melt%20well%22');
			await expect(page.getByRole('main').getByRole('link', { name: 'Cheese' })).toBeVisible();
			await page.goto('/search?q=sourdough%20-starter');
			await expect(page.getByText('No chats match “sourdough -starter”.')).toBeVisible();
			await page.goto('/search?q=sourd');
			await expect(page.getByRole('main').getByRole('link', { name: 'Bread' })).toBeVisible();

			// A result links to its message.
			await page.goto('/search?q=sourdough');
			await page.getByRole('main').getByRole('link', { name: 'Bread' }).click();
			await expect(page).toHaveURL(new RegExp(`/chat/${ids.get('Bread')}\\?at=([0-9a-f-]{36})#message-\\1$`));
			await expect(app.said('How long should a sourdough starter rest?')).toBeVisible();
		});

		test('shares a read-only snapshot anyone can open, until it is revoked', async ({ page, browser }) => {
			const app = await new ChatApp(page, 'share', { javaScript }).signUp();
			const ids = await seedChats(await app.userId(), [
				{ title: 'Tides <b>explained</b>', daysAgo: 0, message: 'Why are there two tides a day?' }
			]);
			// A reply with markup that must not run on the public page.
			await append(
				ids.get('Tides <b>explained</b>')!,
				await app.userId(),
				'assistant',
				'Look: <img src=x onerror="alert(1)"> <script>alert(2)</script> **bold**'
			);
			await page.goto(`/chat/${ids.get('Tides <b>explained</b>')}`);
			await app.ready();
			const url = await app.share();
			expect(url).toMatch(/\/share\/[0-9a-f]{64}$/);

			// A visitor without any cookie reads it.
			const visitor = await browser.newContext({ javaScriptEnabled: javaScript });
			const view = await visitor.newPage();
			const response = await view.goto(url);
			expect(response?.status()).toBe(200);
			expect(response?.headers()['x-robots-tag']).toContain('noindex');
			await expect(view.getByRole('heading', { name: 'Tides <b>explained</b>' })).toBeVisible();
			await expect(view.getByText('Why are there two tides a day?')).toBeVisible();
			await expect(view.locator('strong')).toHaveText('bold');
			await expect(view.locator('[onerror], script:not([nonce])')).toHaveCount(0);
			expect(await view.context().cookies()).toEqual([]);
			await expect(view.locator('meta[property="og:title"]')).toHaveAttribute('content', 'Tides <b>explained</b>');
			await expect(view.locator('meta[name="robots"]')).toHaveAttribute('content', /noindex/);

			// Later messages are not in the snapshot.
			await append(ids.get('Tides <b>explained</b>')!, await app.userId(), 'user', 'Added later');
			await view.reload();
			await expect(view.getByText('Added later')).toHaveCount(0);

			// The owner lists and revokes it; the link then answers 404.
			await page.goto('/chats');
			await app.ready();
			await expect(
				page.getByRole('region', { name: 'Shared links' }).getByRole('link', { name: 'Tides <b>explained</b>' })
			).toBeVisible();
			await page.getByRole('button', { name: 'Revoke' }).click();
			await expect(page.getByText('You have not shared any chat.')).toBeVisible();
			expect((await view.goto(url))?.status()).toBe(404);
			await visitor.close();
		});
	});
}

test('exports chats as JSON and Markdown and imports the JSON back as new chats', async ({ page }) => {
	const app = await new ChatApp(page, 'export').signUp();
	await seedChats(await app.userId(), [
		{ title: 'First export', daysAgo: 1, message: 'Hello export 🌍' },
		{ title: 'Second export', daysAgo: 0, message: 'Another one' }
	]);
	const json = await page.request.get('/chats/export?format=json');
	expect(json.status()).toBe(200);
	expect(json.headers()['content-disposition']).toMatch(/attachment; filename="parley-chats-.*\.json"/);
	const file = await json.json();
	expect(file).toMatchObject({ format: 'parley.chats', version: 1 });
	expect(file.chats.map((chat: { title: string }) => chat.title)).toEqual(['Second export', 'First export']);
	expect(
		file.chats[1].messages.map((message: { role: string; content: string }) => [message.role, message.content])
	).toEqual([
		['user', 'Hello export 🌍'],
		['assistant', 'About First export.']
	]);
	const text = JSON.stringify(file);
	expect(text).not.toContain(await app.userId());
	expect(text).not.toContain(app.email);

	const markdown = await page.request.get('/chats/export?format=markdown');
	expect(markdown.headers()['content-type']).toContain('text/markdown');
	expect(await markdown.text()).toContain('# First export');

	// Import the file as another person: new chats, the same content.
	await app.signOut();
	const importer = await new ChatApp(page, 'import').signUp();
	await page.goto('/chats');
	await importer.ready();
	const upload = page.getByLabel('Parley export (JSON)');
	await upload.setInputFiles({
		name: 'chats.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(file))
	});
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(page.getByText('Imported 2 chats.')).toBeVisible();
	const stored = await storedFor(await importer.userId());
	expect(stored.sessions.map((session) => session.title).sort()).toEqual(['First export', 'Second export']);
	expect(stored.messages.map((message) => message.content)).toEqual(
		expect.arrayContaining(['Hello export 🌍', 'About First export.', 'Another one'])
	);

	// A broken or foreign file is refused, and nothing changes.
	for (const [content, error] of [
		['{not json', 'That file is not JSON.'],
		[JSON.stringify({ format: 'other', version: 1, chats: [] }), 'This is not a Parley export.'],
		[
			JSON.stringify({ ...file, chats: [{ ...file.chats[0], messages: [{ role: 'system', content: 'x' }] }] }),
			'cannot be imported'
		]
	]) {
		await upload.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(content) });
		await page.getByRole('button', { name: 'Import', exact: true }).click();
		await expect(page.getByRole('alert').filter({ hasText: error })).toBeVisible();
	}
	await upload.setInputFiles({
		name: 'big.json',
		mimeType: 'application/json',
		buffer: Buffer.alloc(6 * 1024 * 1024, 32)
	});
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'at most 5 MB' })).toBeVisible();
	expect(await storedFor(await importer.userId())).toEqual(stored);
});

test('another person’s chat cannot be renamed, deleted or shared, and nothing changes', async ({ page, browser }) => {
	const owner = await browser.newContext();
	const victim = await new ChatApp(await owner.newPage(), 'lib-owner').signUp();
	const ids = await seedChats(await victim.userId(), [{ title: 'Not yours', daysAgo: 0, message: 'Private words' }]);
	const chat = ids.get('Not yours')!;
	await owner.close();
	const before = await storedFor(await victim.userId());

	const app = await new ChatApp(page, 'lib-intruder').signUp();
	const origin = new URL(page.url()).origin;
	const post = (path: string, form: Record<string, string>) =>
		page.request.post(path, { form, headers: { origin, accept: 'text/html' }, maxRedirects: 0 });
	expect((await post('/chats?/rename', { id: chat, title: 'Mine now' })).status()).toBe(404);
	expect((await post('/chats?/delete', { id: chat })).status()).toBe(404);
	expect((await post(`/chat/${chat}?/share`, {})).status()).toBe(404);
	expect((await post('/chats?/rename', { id: 'not-a-uuid', title: 'x' })).status()).toBe(400);
	// Delete all removes only the intruder's own chats (there are none).
	expect((await post('/chats?/deleteAll', {})).status()).toBe(303);
	expect((await page.request.get(`/chats/export?id=${chat}`)).status()).toBe(404);
	const everything = await (await page.request.get('/chats/export?format=json')).json();
	expect(everything.chats).toEqual([]);
	await page.goto('/search?q=private');
	await expect(page.getByText('No chats match “private”.')).toBeVisible();

	expect(await storedFor(await victim.userId())).toEqual(before);
	expect((await admin.from('chat_shares').select('token').eq('session_id', chat)).data).toEqual([]);
	await expect(app.chats.getByText('No chats yet.')).toBeVisible();
});
