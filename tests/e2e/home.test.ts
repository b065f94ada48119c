import { expect, test } from '@playwright/test';

test('the home page names the app', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveTitle('Parley');
	await expect(page.getByRole('heading', { level: 1, name: 'Parley' })).toBeVisible();
});
