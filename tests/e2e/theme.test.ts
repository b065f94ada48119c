// The Theme button overrides the system's scheme; the choice is kept in a cookie and rendered
// into the HTML, so a reload shows the right colours from the first paint.
import type { Page } from '@playwright/test';
import { axeViolations } from '../support/axe.ts';
import { ChatApp, expect, test } from './support.ts';

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const WHITE = 'rgb(255, 255, 255)';
const DARK = 'rgb(20, 21, 24)';

async function servedTheme(page: Page, path: string): Promise<string | undefined> {
	const html = await (await page.request.get(path)).text();
	return /<html[^>]*data-theme="(\w+)"/.exec(html)?.[1];
}

test('Theme steps system → light → dark → system, and the page is rendered with it', async ({ app, page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await app.signUp();
	const theme = page.getByRole('button', { name: /^Theme: / });
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
	await expect(theme).toHaveAccessibleName('Theme: System');
	expect(await background(page)).toBe(DARK);

	await theme.click();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
	await expect(theme).toHaveAccessibleName('Theme: Light');
	expect(await background(page)).toBe(WHITE);
	// A reload is served light from the start, though the system is dark.
	expect(await servedTheme(page, '/chat')).toBe('light');
	await page.reload();
	expect(await background(page)).toBe(WHITE);
	expect(await axeViolations(page, { rules: ['color-contrast'] })).toEqual([]);

	await theme.click();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await expect(theme).toHaveAccessibleName('Theme: Dark');
	await page.emulateMedia({ colorScheme: 'light' });
	expect(await background(page)).toBe(DARK);
	expect(await axeViolations(page, { rules: ['color-contrast'] })).toEqual([]);

	await theme.click();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
	expect(await background(page)).toBe(WHITE);
	expect(await servedTheme(page, '/login')).toBe('system');
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false, colorScheme: 'light' });

	test('the Theme button posts, comes back to the same page, and keeps the choice', async ({ page }) => {
		await new ChatApp(page, 'nojs-theme', { javaScript: false }).signUp();
		await page.goto('/chat?x=1');
		await page.getByRole('button', { name: /^Theme: / }).click();
		await expect(page).toHaveURL(/\/chat\?x=1$/);
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
		await page.getByRole('button', { name: /^Theme: / }).click();
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
		expect(await background(page)).toBe(DARK);
	});

	test('a bad theme or a foreign return path changes nothing and goes nowhere else', async ({ page }) => {
		await page.goto('/login');
		const origin = new URL(page.url()).origin;
		const bad = await page.request.post('/theme', {
			form: { theme: 'purple' },
			headers: { origin },
			maxRedirects: 0
		});
		expect(bad.status()).toBe(400);
		const away = await page.request.post('/theme', {
			form: { theme: 'dark', returnTo: '/.//evil.example' },
			headers: { origin },
			maxRedirects: 0
		});
		expect(away.status()).toBe(303);
		expect(away.headers().location).toBe('/chat');
		const forged = await page.request.post('/theme', {
			form: { theme: 'light' },
			headers: { origin: 'https://evil.example' },
			maxRedirects: 0
		});
		expect(forged.status()).toBe(403);
		expect(await servedTheme(page, '/login')).toBe('dark');
	});
});
