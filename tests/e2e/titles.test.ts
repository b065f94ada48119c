// Generated titles: after a new chat's first reply the model names the chat, without holding up
// the reply; the first words stand in until then.
import { ChatApp, expect, fakeModel, storedFor, test, unique } from './support.ts';

const QUESTION = 'Why does the moon look bigger near the horizon than overhead?';

test('names a new chat after its first reply, which is not held up for it', async ({ app, page }) => {
	const FIRST = unique(QUESTION);
	await app.signUp();
	await fakeModel.title(FIRST, { text: '"Title: The moon illusion."', delayMs: 2500 });
	await app.send(FIRST);
	await expect(app.said(`Echo: ${FIRST}`)).toBeVisible();
	// The reply is done and the composer free while the title is still being written.
	await app.settled();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(FIRST);
	await expect(app.chats.getByRole('link', { name: FIRST })).toBeVisible();
	// Then the title arrives, cleaned of the quotes and the label, in the list and the heading.
	await expect(app.chats.getByRole('link', { name: 'The moon illusion', exact: true })).toBeVisible({
		timeout: 10_000
	});
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('The moon illusion');
	const stored = await storedFor(await app.userId());
	expect(stored.sessions.map((session) => session.title)).toEqual(['The moon illusion']);
	const [call] = await fakeModel.titleCalls(FIRST).then((calls) => calls.slice(-1));
	expect(call.messages[0]).toEqual({ role: 'user', content: FIRST });
	expect(call.messages[1]).toEqual({ role: 'assistant', content: `Echo: ${FIRST}` });

	// Later messages do not rename the chat.
	const before = (await fakeModel.titleCalls(FIRST)).length;
	await app.send('And at sunset?');
	await app.settled();
	expect((await fakeModel.titleCalls(FIRST)).length).toBe(before);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the title lands in the background and shows on the next page', async ({ page }) => {
		const FIRST = unique(QUESTION);
		const app = await new ChatApp(page, 'title-nojs', { javaScript: false }).signUp();
		await fakeModel.title(FIRST, { text: 'Moon near the horizon', delayMs: 1500 });
		await app.send(FIRST);
		await expect(app.said(`Echo: ${FIRST}`)).toBeVisible();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(FIRST);
		const userId = await app.userId();
		await expect
			.poll(async () => (await storedFor(userId)).sessions[0]?.title, { timeout: 10_000 })
			.toBe('Moon near the horizon');
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Moon near the horizon');
	});
});

test('a failed title call keeps the first words as the title', async ({ app, page }) => {
	const FIRST = unique(QUESTION);
	await app.signUp();
	await fakeModel.title(FIRST, { fail: true });
	await app.send(FIRST);
	await app.settled();
	await expect.poll(async () => (await fakeModel.titleCalls(FIRST)).length).toBe(1);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(FIRST);
	expect((await storedFor(await app.userId())).sessions.map((session) => session.title)).toEqual([FIRST]);
});
