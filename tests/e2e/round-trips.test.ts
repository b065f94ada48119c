// What a page costs the database, counted at the proxy in front of it by the person's own token:
// a chat page rendered whole sends its sidebar's chat list and its chat as one request, and a move
// to another chat in the browser reads that chat alone (the list is the page's already). On the
// worker only: under vite dev a load's first run imports its modules first, and may miss its partner.
import { seedChat } from '../support/seed-chat.ts';
import { admin, databaseRequestsFor, expect, test } from './support.ts';

/** The database requests made for this person while `step` ran. */
async function requestsDuring(userId: string, step: () => Promise<void>): Promise<string[]> {
	const before = (await databaseRequestsFor(userId)).length;
	await step();
	return (await databaseRequestsFor(userId)).slice(before);
}

test('a chat page is one database request, and a move to another chat one more', async ({ app, page }) => {
	await app.signUp();
	const userId = await app.userId();
	const first = await seedChat(admin, userId, 'First chat', ['Where is the harbour?', 'By the old mill.']);
	const second = await seedChat(admin, userId, 'Second chat', ['And the lighthouse?', 'On the point.']);

	const opened = await requestsDuring(userId, async () => {
		await page.goto(`/chat/${first}`);
		await app.ready();
		await expect(app.said('By the old mill.')).toBeVisible();
		await expect(app.chatRow('Second chat')).toBeVisible();
	});
	expect(opened).toEqual(['POST /rpc/chat_page']);

	const moved = await requestsDuring(userId, async () => {
		await app.chatRow('Second chat').getByRole('link').click();
		await expect(page).toHaveURL(new RegExp(`/chat/${second}$`));
		await expect(app.said('On the point.')).toBeVisible();
	});
	expect(moved).toEqual(['POST /rpc/get_chat']);

	// A chat that is not there (or not theirs): the 404 page, after the same one request.
	const missing = await requestsDuring(userId, async () => {
		const response = await page.goto(`/chat/${crypto.randomUUID()}`);
		expect(response?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not found');
	});
	expect(missing).toEqual(['POST /rpc/chat_page']);
});
