// Files in chats, on the production build in workerd (wrangler dev), the local stack (with its
// storage server) and the fake provider:
//   - the time to upload a 5 MB image and a 50-page PDF (POST /api/attachments: read, checked by
//     its bytes, a PDF's text extracted, stored in Storage), median of 5, and the worker's CPU per
//     upload (workerd's process CPU, wrangler's own share included; see bench:long-chat)
//   - the bytes a browser downloads to show a chat with 20 images of 200 KB, with and without the
//     small copies the composer makes: on load (images load lazily, as they near the view) and
//     once every image has been scrolled into view
// Usage: npm run bench:attachments
import { chromium } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { chromiumLaunchOptions } from '../tests/support/chromium.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { pdf, png } from '../tests/support/files.ts';
import { cookieClient, form, median, startWorker } from './support.ts';

const RUNS = 5;
const port = 8795;
const password = 'bench-password-1';

const target = await resolveSupabase();
const fake = await startFakeProvider({ tokenDelayMs: 1 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });

try {
	const { jar, request } = cookieClient(worker.base);
	const email = `bench-attachments-${Date.now()}@example.com`;
	await (await request('/login?/signup', form({ email, password, redirectTo: '/chat' }))).text();

	async function upload(name: string, type: string, bytes: Buffer) {
		const body = new FormData();
		body.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
		const started = performance.now();
		const response = await request('/api/attachments', {
			method: 'POST',
			body,
			headers: { accept: 'application/json' }
		});
		const answer = (await response.json()) as { attachment?: { textCut: boolean }; error?: { message: string } };
		if (response.status !== 201)
			throw new Error(`upload of ${name} answered ${response.status}: ${answer.error?.message}`);
		return performance.now() - started;
	}

	const files = [
		{ label: '5 MB PNG image', name: 'photo.png', type: 'image/png', bytes: png(1300, 1300, 'noise') },
		{
			label: '50-page PDF',
			name: 'report.pdf',
			type: 'application/pdf',
			bytes: pdf(
				Array.from({ length: 50 }, (_, page) => `Page ${page + 1}: the quarterly figures rose again, as forecast.`)
			)
		}
	];
	const rows: string[][] = [];
	for (const file of files) {
		const times: number[] = [];
		const before = worker.cpuMs();
		for (let run = 0; run < RUNS; run++) times.push(await upload(file.name, file.type, file.bytes));
		const cpu = (worker.cpuMs() - before) / RUNS;
		rows.push([
			file.label,
			`${(file.bytes.length / 1e6).toFixed(2)} MB`,
			`${median(times).toFixed(0)} ms`,
			`${cpu.toFixed(1)} ms`
		]);
	}
	console.log('\nupload (POST /api/attachments)   size      time (median of 5)   worker CPU per upload');
	for (const [label, size, time, cpu] of rows) {
		console.log(`${label.padEnd(32)} ${size.padStart(8)}  ${time.padStart(10)}           ${cpu.padStart(8)}`);
	}

	// A chat with 20 images, stored as the app stores them: uploaded to the person's folder, then
	// posted with two messages of ten, with their own token.
	const person = createClient(target.env.PUBLIC_SUPABASE_URL, target.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
		auth: { persistSession: false }
	});
	const { data: signedIn, error } = await person.auth.signInWithPassword({ email, password });
	if (error || !signedIn.user) throw new Error(`sign-in failed: ${error?.message}`);
	const userId = signedIn.user.id;
	const image = png(260, 260, 'noise');
	// What the composer's browser makes of a large image: a copy at most 400 pixels a side, as
	// WebP; a noise PNG of 120 pixels stands in for it here (photos compress far better than noise).
	const small = png(120, 120, 'noise');
	const browser = await chromium.launch(chromiumLaunchOptions);
	const kb = (value: number) => `${(value / 1024).toFixed(0)} KB`;

	/** A chat of two messages with ten images each, stored as the app stores them; its id. */
	async function chatWithImages(thumbnails: boolean): Promise<string> {
		let sessionId: string | undefined;
		for (let message = 0; message < 2; message++) {
			const attachments = [];
			for (let index = 0; index < 10; index++) {
				const path = `${userId}/${crypto.randomUUID()}`;
				const stored = await person.storage.from('attachments').upload(path, image, { contentType: 'image/png' });
				if (stored.error) throw stored.error;
				if (thumbnails) {
					await person.storage.from('attachments').upload(`${path}-small`, small, { contentType: 'image/png' });
				}
				attachments.push({
					name: `image-${message * 10 + index + 1}.png`,
					media_type: 'image/png',
					kind: 'image',
					size_bytes: image.length,
					sha256: 'a'.repeat(64),
					object_path: path,
					thumbnail_path: thumbnails ? `${path}-small` : null
				});
			}
			const posted = await person.rpc('post_message', {
				p_message_id: crypto.randomUUID(),
				p_content: `Ten images, part ${message + 1}`,
				p_session_id: sessionId,
				p_attachments: attachments
			});
			if (posted.error) throw posted.error;
			sessionId = posted.data[0].session_id;
			await person.rpc('finish_reply', {
				p_reply_id: posted.data[0].reply_id,
				p_writer_token: posted.data[0].writer_token,
				p_content: 'Seen.',
				p_status: 'complete',
				p_model: 'fake-model'
			});
		}
		return sessionId!;
	}

	/** The bytes a fresh browser downloads to show the chat, and once every image is in view. */
	async function bytesToShow(chatId: string) {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		await context.addCookies([...jar].map(([name, value]) => ({ name, value, url: worker.base })));
		const page = await context.newPage();
		const bytes = { all: 0, images: 0, count: 0 };
		page.on('response', async (response) => {
			const body = await response.body().catch(() => Buffer.alloc(0));
			bytes.all += body.length;
			if (new URL(response.url()).pathname.startsWith('/files/')) {
				bytes.images += body.length;
				bytes.count += 1;
			}
		});
		await page.goto(`${worker.base}/chat/${chatId}`);
		await page.waitForLoadState('networkidle');
		const onLoad = { ...bytes };
		for (const picture of await page.getByRole('img').all()) await picture.scrollIntoViewIfNeeded();
		await page.waitForLoadState('networkidle');
		await context.close();
		return `on load ${kb(onLoad.all)} (${onLoad.count} images, ${kb(onLoad.images)}); all in view ${kb(bytes.all)} (${bytes.count} images, ${kb(bytes.images)})`;
	}

	console.log(`\na chat with 20 images of ${kb(image.length)}, at 1280 × 800:`);
	console.log(`  sent without JavaScript (no small copies): ${await bytesToShow(await chatWithImages(false))}`);
	console.log(
		`  sent with JavaScript (small copies of ${kb(small.length)}): ${await bytesToShow(await chatWithImages(true))}`
	);
	await browser.close();
} finally {
	worker.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
