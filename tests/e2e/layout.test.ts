// The layout on a phone and on a desktop: the chat list as a drawer, the composer at the bottom,
// a conversation that follows a growing reply, and the keyboard shortcuts. Measured proportions
// are in look.test.ts; `npm run screenshots` draws the pages.
import { replyFor } from '../support/fake-provider.ts';
import { ChatApp, expect, fakeModel, test, unique } from './support.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

// The drawer is the sidebar: the chat list, and New chat, search and the account menu with it.
const focusIsInDrawer = (app: ChatApp) => app.page.evaluate(() => Boolean(document.activeElement?.closest('aside')));

test.describe('on a phone', () => {
	test.use({ viewport: PHONE });

	test('the chat list is a drawer: opened by Chats, focus kept inside, closed by Escape', async ({ app, page }) => {
		await app.signUp();
		await app.send('First chat on the phone');
		await expect(app.said(replyFor('First chat on the phone'))).toBeVisible();
		await app.settled();
		const chatsButton = page.getByRole('button', { name: 'Chats' });
		await expect(chatsButton).toHaveAttribute('aria-expanded', 'false');
		await expect(app.chats).toBeHidden();

		await chatsButton.click();
		await expect(app.chats).toBeVisible();
		await expect(chatsButton).toHaveAttribute('aria-expanded', 'true');
		await expect(page.getByRole('complementary').getByRole('button', { name: 'Close' })).toBeFocused();
		for (let press = 0; press < 6; press++) {
			await page.keyboard.press(press % 2 ? 'Shift+Tab' : 'Tab');
			await page.keyboard.press('Tab');
			expect(await focusIsInDrawer(app)).toBe(true);
		}
		// The page behind is inert while the drawer is open.
		expect(await page.evaluate(() => document.querySelector('main')?.inert)).toBe(true);

		await page.keyboard.press('Escape');
		await expect(app.chats).toBeHidden();
		await expect(chatsButton).toBeFocused();
		expect(await page.evaluate(() => document.querySelector('main')?.inert)).toBe(false);

		// Picking a chat closes the drawer on the chat's page.
		await chatsButton.click();
		await app.chats.getByRole('link', { name: 'First chat on the phone' }).click();
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expect(app.chats).toBeHidden();
		await expect(app.said('First chat on the phone')).toBeVisible();
	});

	test('the composer stays at the bottom of the screen', async ({ app, page }) => {
		await app.signUp();
		const box = await app.message.boundingBox();
		expect(box).not.toBeNull();
		expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
		expect(box!.y).toBeGreaterThan(PHONE.height / 2);
		await expect(page.getByRole('button', { name: 'Send' })).toBeInViewport();
	});
});

test.describe('on a phone without JavaScript', () => {
	test.use({ viewport: PHONE, javaScriptEnabled: false });

	test('the chat list stacks above the chat, and needs no button', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-phone', { javaScript: false }).signUp();
		await expect(app.chats).toBeVisible();
		await expect(page.getByRole('button', { name: 'Chats' })).toBeHidden();
		await expect(page.getByRole('button', { name: 'Send' })).toBeInViewport();
	});
});

test('on a desktop the chat list is always shown, with no drawer button', async ({ app, page }) => {
	await page.setViewportSize(DESKTOP);
	await app.signUp();
	await expect(app.chats).toBeVisible();
	await expect(page.getByRole('button', { name: 'Chats' })).toBeHidden();
	// The app fills the window and no more: nothing outside it (the icons' sprite) takes room.
	expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(DESKTOP.height);
});

test('the view follows a growing reply until the reader scrolls up', async ({ app, page }) => {
	await page.setViewportSize({ width: 800, height: 600 });
	await app.signUp();
	const long = Array.from({ length: 60 }, (_, index) => `Line ${index + 1}.\n\n`).join('');
	const ask = unique('Tell me a lot');
	await fakeModel.say(ask, long);
	await app.send(ask);
	await expect(app.said('Line 60.')).toBeInViewport();
	await app.settled();
	// The conversation scrolls, not the page: the composer stays in view.
	await expect(page.getByRole('button', { name: 'Send' })).toBeInViewport();
	await expect(page.getByRole('button', { name: 'Jump to latest' })).toHaveCount(0);

	await app.conversation.evaluate((element) => element.scrollTo({ top: 0 }));
	const jump = page.getByRole('button', { name: 'Jump to latest' });
	await expect(jump).toBeVisible();
	await expect(app.said('Line 60.')).not.toBeInViewport();
	await jump.click();
	await expect(app.said('Line 60.')).toBeInViewport();
	await expect(jump).toHaveCount(0);
});

test('keyboard shortcuts start a new chat, reach the message box and the search box, and are listed', async ({
	app,
	page
}) => {
	await app.signUp();
	await app.send('A chat to leave');
	await expect(app.said('Echo: A chat to leave')).toBeVisible();
	await app.settled();
	await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);

	await page.getByRole('button', { name: /^Theme: / }).focus();
	await page.keyboard.press('Shift+Escape');
	await expect(app.message).toBeFocused();

	await page.getByRole('button', { name: /^Theme: / }).focus();
	await page.keyboard.press('Control+Shift+O');
	await expect(page).toHaveURL(/\/chat$/);
	await expect(page.getByRole('heading', { name: 'New chat' })).toBeVisible();
	await expect(app.message).toBeFocused();

	await page.keyboard.press('Control+K');
	await expect(page.getByRole('searchbox', { name: 'Search chats' })).toBeFocused();

	await app.chats.getByText('Keyboard shortcuts').click();
	await expect(app.chats.getByRole('definition').filter({ hasText: 'New chat' })).toBeVisible();
	await expect(app.chats.getByText('Go to the message box')).toBeVisible();
	await expect(app.chats.getByRole('definition').filter({ hasText: 'Search chats' })).toBeVisible();
	await expect(app.chats.getByRole('term').filter({ hasText: 'Ctrl (Cmd) + K' })).toBeVisible();
});

test.describe('on a phone', () => {
	test.use({ viewport: { width: 390, height: 844 } });

	test('the search shortcut opens the chat list at the search box', async ({ app, page }) => {
		await app.signUp();
		await app.ready();
		await page.keyboard.press('Control+K');
		await expect(app.chats).toBeVisible();
		await expect(page.getByRole('searchbox', { name: 'Search chats' })).toBeFocused();
	});
});
