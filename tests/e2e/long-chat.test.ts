// A long chat opens on its newest page. Show earlier messages loads the page before it in place
// with JavaScript and is a link without it; a search result opens the page that holds its
// message; Edit and the version switcher work on an earlier page. The chat is written straight to
// the database: 40 turns through the model would only make the test slow.
import { randomUUID } from 'node:crypto';
import { replyFor } from '../support/fake-provider.ts';
import { seedChat } from '../support/seed-chat.ts';
import { admin, ChatApp, expect, test } from './support.ts';

const TURNS = 40;

/** A chat of TURNS questions and answers; question 5 holds `marker`, for search. */
const seedLongChat = (userId: string, marker: string) =>
	seedChat(
		admin,
		userId,
		'A long chat',
		Array.from({ length: TURNS }, (_, n) => [`Question ${n}${n === 5 ? ` ${marker}` : ''}`, `Answer ${n}`]).flat()
	);

const earlierLink = (app: ChatApp) => app.conversation.getByRole('link', { name: 'Show earlier messages' });

test('a long chat shows its newest page, loads earlier ones in place, and a search result opens its page', async ({
	app,
	page
}) => {
	await app.signUp();
	const marker = randomUUID().slice(0, 8);
	const chat = await seedLongChat(await app.userId(), marker);
	await page.goto(`/chat/${chat}`);
	await app.ready();
	await expect(app.said(`Answer ${TURNS - 1}`)).toBeVisible();
	await expect(app.said('Question 0')).toHaveCount(0);
	const shown = app.conversation.getByRole('listitem');
	const firstPage = await shown.count();
	expect(firstPage).toBeLessThan(2 * TURNS);

	// In place: the address stays, and the page grows upward until the first message.
	for (let pages = 0; pages < 8 && (await earlierLink(app).count()); pages++) {
		const before = await shown.count();
		await earlierLink(app).click();
		await expect.poll(() => shown.count()).toBeGreaterThan(before);
	}
	await expect(earlierLink(app)).toHaveCount(0);
	await expect(shown).toHaveCount(2 * TURNS);
	await expect(app.said('Question 0')).toBeAttached();
	expect(new URL(page.url()).search).toBe('');

	// The chat goes on below, with everything loaded still there.
	await app.send('One more question');
	await app.settled();
	await expect(app.said(replyFor('One more question'))).toBeVisible();
	await expect(shown).toHaveCount(2 * TURNS + 2);

	// Question 5 is far back: its search result opens the page that holds it.
	await page.goto(`/search?q=${marker}`);
	await page.getByRole('main').getByRole('link', { name: 'A long chat' }).click();
	await expect(page).toHaveURL(/\?at=[0-9a-f-]{36}#message-/);
	await expect(app.said(`Question 5 ${marker}`)).toBeInViewport();
	await expect(app.said(`Answer ${TURNS - 1}`)).toHaveCount(0);
	await page.getByRole('link', { name: 'Show the newest messages' }).click();
	await expect(app.said('One more question')).toBeVisible();
	await expect(app.message).toBeVisible();
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('pages back through links; Edit on an earlier page starts a new branch, and the switcher goes back to it', async ({
		page
	}) => {
		const app = await new ChatApp(page, 'long-nojs', { javaScript: false }).signUp();
		const chat = await seedLongChat(await app.userId(), 'unused');
		await page.goto(`/chat/${chat}`);
		await expect(app.said('Question 0')).toHaveCount(0);
		for (let pages = 0; pages < 8 && (await earlierLink(app).count()); pages++) {
			await earlierLink(app).click();
			await expect(page).toHaveURL(/\?before=[0-9a-f-]{36}$/);
			// An earlier page is for reading: the reply box waits on the newest page.
			await expect(page.getByText('These are earlier messages of this chat.')).toBeVisible();
			await expect(app.message).toHaveCount(0);
		}
		await expect(app.said('Question 0')).toBeVisible();

		const question = app.conversation.getByRole('listitem').filter({ hasText: /^\s*You\s*Question 2\s*$/ });
		await question.getByRole('button', { name: 'Edit' }).click();
		await page.getByRole('textbox', { name: 'Edit message' }).fill('Question 2, edited');
		await page.getByRole('button', { name: 'Save and send' }).click();
		await expect(page).toHaveURL(new RegExp(`/chat/${chat}$`));
		await expect(app.said(replyFor('Question 2, edited'))).toBeVisible();
		await expect(app.conversation.getByRole('group', { name: 'Versions' }).first()).toContainText('2 / 2');
		await expect(app.said('Answer 3')).toHaveCount(0);
		await expect(app.message).toBeVisible();

		// Back to the first version: the old branch, 80 messages long, is the chat again, and the
		// page shown is the one that holds the version chosen, not the newest.
		await app.conversation.getByRole('button', { name: 'Previous version' }).first().click();
		await expect(page).toHaveURL(new RegExp(`/chat/${chat}\\?at=[0-9a-f-]{36}#message-`));
		await expect(app.said('Question 2')).toBeVisible();
		await expect(app.said('Answer 3')).toBeVisible();
		await expect(app.said(`Answer ${TURNS - 1}`)).toHaveCount(0);
		await expect(page.getByText('These are earlier messages of this chat.')).toBeVisible();
	});
});
