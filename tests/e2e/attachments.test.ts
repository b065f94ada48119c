// Files in chats: attached by the button, by dropping and by pasting; shown as chips that can be
// removed before sending; sent to the model as each provider takes them (an image as an image in
// OpenAI's and Anthropic's formats, a PDF as its text); shown again after a reload; refused with a
// reason that names the file, the typed text kept; and gone from Storage with their chat.
import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import { pdf, png } from '../support/files.ts';
import { ChatApp, admin, expect, fakeModel, test, unique } from './support.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const attachInput = (page: Page) => page.getByLabel('Attach files');
const chips = (page: Page) => page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');

/** What is in the person's folder of the attachments bucket, seen with the service role. */
async function storedFiles(userId: string): Promise<string[]> {
	const { data, error } = await admin.storage.from('attachments').list(userId, { limit: 100 });
	if (error) throw error;
	return data.map((file) => file.name);
}

test(
	'attach by the button, remove one, send: the model gets the image and the PDF’s text; a reload and a share show them; no one else gets them; deleting the chat deletes the files',
	{ tag: '@vite' },
	async ({ app, page, browser }) => {
		// The whole life of a file, with a second person and a share page: 18–30 s in clean CI runs
		// under vite, where it is often the first test and compiles the pages it opens.
		test.setTimeout(60_000);
		await app.signUp();
		await app.ready();
		// Large enough for the browser to make it a small copy (at most 400 pixels a side).
		const image = png(1000, 1000, 'noise');
		await attachInput(page).setInputFiles([
			{ name: 'screenshot.png', mimeType: 'image/png', buffer: image },
			{ name: 'report.pdf', mimeType: 'application/pdf', buffer: pdf('Quarterly figures rose by nine percent') },
			{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') }
		]);
		await expect(chips(page)).toHaveCount(3);
		await expect(chips(page).filter({ hasText: 'report.pdf' })).toContainText('bytes');
		await page.getByRole('button', { name: 'Remove notes.txt' }).click();
		await expect(chips(page)).toHaveCount(2);

		// Sending waits for the uploads: until then the composer says so and sends nothing.
		await expect(chips(page).locator('progress')).toHaveCount(0);
		await app.modelPicker.selectOption({ label: 'Fake vision' });
		const ask = unique('What do these show?');
		await app.send(ask);
		await app.settled();
		await expect(chips(page)).toHaveCount(0);
		const [call] = await fakeModel.calls(ask);
		expect(call.images).toEqual([
			{ wire: 'image_url', mediaType: 'image/png', bytes: image.length, sha256: sha(image) }
		]);
		expect(call.messages.at(-1)?.content).toContain('[Attached file: report.pdf]');
		expect(call.messages.at(-1)?.content).toContain('Quarterly figures rose by nine percent');
		expect(call.messages.at(-1)?.content).not.toContain('not this one');

		// The next turn, with Anthropic's format: the history's image goes again, as an image block.
		await app.modelPicker.selectOption({ label: 'Fake Claude' });
		const next = unique('And now?');
		await app.send(next);
		await app.settled();
		const [second] = await fakeModel.calls(next);
		expect(second.images).toEqual([{ wire: 'image', mediaType: 'image/png', bytes: image.length, sha256: sha(image) }]);

		await page.reload();
		const files = app.conversation.getByRole('list', { name: 'Attached files' });
		const picture = files.getByRole('img', { name: 'screenshot.png' });
		await expect(picture).toBeVisible();
		// The conversation shows the small copy; its link opens the whole image.
		await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);
		const [small, whole] = await Promise.all([
			page.request.get((await picture.getAttribute('src'))!),
			page.request.get((await files.getByRole('link', { name: 'screenshot.png' }).getAttribute('href'))!)
		]);
		expect(small.headers()['content-type']).toBe('image/webp');
		// A file never changes under its address, so the browser keeps it; pages are kept by no cache.
		expect(small.headers()['cache-control']).toBe('private, max-age=31536000, immutable');
		expect((await small.body()).length).toBeLessThan(300_000);
		expect(sha(await whole.body())).toBe(sha(image));
		const download = files.getByRole('link', { name: /report\.pdf/ });
		const response = await page.request.get((await download.getAttribute('href'))!);
		expect(response.headers()['content-disposition']).toContain("attachment; filename*=UTF-8''report.pdf");
		expect((await response.body()).subarray(0, 5).toString()).toBe('%PDF-');

		const userId = await app.userId();
		// The image, its small copy and the PDF.
		expect(await storedFiles(userId)).toHaveLength(3);

		// A share shows the files to anyone with its link, signed in or not.
		const link = await app.share();
		await page.keyboard.press('Escape');
		await expect(page.getByRole('dialog', { name: 'Share this chat' })).toBeHidden();
		const reader = await browser.newContext();
		const sharePage = await reader.newPage();
		await sharePage.goto(link);
		const sharedPicture = sharePage.getByRole('img', { name: 'screenshot.png' });
		await expect(sharedPicture).toBeVisible();
		await expect.poll(() => sharedPicture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);
		const sharedPdf = await sharePage.request.get(
			(await sharePage.getByRole('link', { name: /report\.pdf/ }).getAttribute('href'))!
		);
		expect((await sharedPdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
		await reader.close();

		// Another person gets neither file, by its link or by asking to remove its bytes.
		const other = await browser.newContext({ baseURL: new URL(page.url()).origin });
		const intruder = await new ChatApp(await other.newPage(), 'files-intruder').signUp();
		const stolen = await intruder.page.request.get((await download.getAttribute('href'))!);
		expect(stolen.status()).toBe(404);
		const objectId = (await storedFiles(userId)).find((name) => !name.endsWith('-small'));
		const removal = await intruder.page.request.delete(`/api/attachments/${objectId}`, {
			headers: { origin: new URL(page.url()).origin }
		});
		expect(removal.status()).toBe(204);
		expect(await storedFiles(userId)).toHaveLength(3);
		await other.close();
		await app.fromChatRow('What do these show', 'Delete');
		await page.getByRole('dialog', { name: 'Delete this chat?' }).getByRole('button', { name: 'Delete' }).click();
		await expect(app.chatRow('What do these show')).toHaveCount(0);
		expect(await storedFiles(userId)).toEqual([]);
	}
);

test('files dropped on the page or pasted into the box are attached too', async ({ app, page }) => {
	await app.signUp();
	await app.ready();
	const bytes = [...png(4, 4)];
	await page.evaluate((data) => {
		const transfer = new DataTransfer();
		transfer.items.add(new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' }));
		const target = document.querySelector('main') ?? document.body;
		target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
		target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
	}, bytes);
	await app.message.focus();
	await page.evaluate((data) => {
		const transfer = new DataTransfer();
		transfer.items.add(new File([new Uint8Array(data)], 'pasted.png', { type: 'image/png' }));
		document.activeElement?.dispatchEvent(
			new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true })
		);
	}, bytes);
	await expect(chips(page)).toHaveCount(2);
	// An image's chip previews it from the browser's own copy.
	await expect(chips(page).filter({ hasText: 'dropped.png' }).locator('img')).toHaveAttribute('src', /^blob:/);
	await expect(chips(page).filter({ hasText: 'pasted.png' })).toContainText('bytes');
});

test('a refused file says which and why, and a model without images refuses them; the typed text stays', async ({
	app,
	page
}) => {
	await app.signUp();
	await app.ready();
	await attachInput(page).setInputFiles([
		{ name: 'page.png', mimeType: 'image/png', buffer: Buffer.concat([png().subarray(0, 8), Buffer.from('<html>')]) },
		{ name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(10_000_001, 'a') }
	]);
	await expect(chips(page).filter({ hasText: 'page.png' }).getByRole('alert')).toHaveText(
		'page.png is not a kind of file Parley can read.'
	);
	await expect(chips(page).filter({ hasText: 'huge.txt' }).getByRole('alert')).toHaveText(
		'huge.txt is too large: files can be at most 10 MB.'
	);
	const typed = unique('Keep this text');
	await app.message.fill(typed);
	await page.getByRole('button', { name: 'Send' }).click();
	await expect(page.getByText('Remove the files that could not be attached first.')).toBeVisible();
	await page.getByRole('button', { name: 'Remove page.png' }).click();
	await page.getByRole('button', { name: 'Remove huge.txt' }).click();

	// The default model reads text only: an image is refused before the message is stored.
	await attachInput(page).setInputFiles([{ name: 'photo.png', mimeType: 'image/png', buffer: png() }]);
	await expect(chips(page).filter({ hasText: 'photo.png' })).toContainText('bytes');
	await page.getByRole('button', { name: 'Send' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'fake-model does not take images. Pick a model that does, or remove the images.'
	);
	await expect(app.message).toHaveValue(typed);
	await expect(chips(page)).toHaveCount(1);
	expect(await fakeModel.calls(typed)).toEqual([]);
});

test.describe('without JavaScript', { tag: '@vite' }, () => {
	test.use({ javaScriptEnabled: false });

	test('files go with the form post; a refused one comes back named, with the text', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-files', { javaScript: false }).signUp();
		await attachInput(page).setInputFiles([
			{ name: '../../etc/passwd', mimeType: 'text/plain', buffer: Buffer.from('root:x:0:0') },
			{ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) }
		]);
		const typed = unique('Read these');
		await app.send(typed);
		await expect(page.getByRole('alert')).toHaveText('empty.txt is empty.');
		await expect(app.message).toHaveValue(typed);
		expect(await storedFiles(await app.userId())).toEqual([]);

		const eleven = Array.from({ length: 11 }, (_, index) => ({
			name: `part-${index}.txt`,
			mimeType: 'text/plain',
			buffer: Buffer.from(`part ${index}`)
		}));
		await attachInput(page).setInputFiles(eleven);
		await page.getByRole('button', { name: 'Send' }).click();
		await expect(page.getByRole('alert')).toHaveText('A message can carry at most 10 files; this one has 11.');
		await expect(app.message).toHaveValue(typed);
		expect(await storedFiles(await app.userId())).toEqual([]);

		await attachInput(page).setInputFiles([
			{ name: '../../etc/passwd', mimeType: 'text/plain', buffer: Buffer.from('root:x:0:0') }
		]);
		await page.getByRole('button', { name: 'Send' }).click();
		await expect(app.conversation.getByRole('link', { name: /^passwd/ })).toBeVisible();
		const [call] = await fakeModel.calls(typed);
		expect(call.messages.at(-1)?.content).toContain('[Attached file: passwd]\nroot:x:0:0');
		expect(await storedFiles(await app.userId())).toHaveLength(1);
	});
});
