// A long chat against a short one, on the production build in workerd (wrangler dev), the local
// stack and the fake provider: chats of 10, 1,000 and 5,000 messages (turns of a question and an
// ordinary reply with a code block and a table), written straight to the database.
//   - the chat page's HTML (uncompressed) and the server's time for it (median of 10 requests)
//   - the worker's CPU per page view (workerd's process CPU over 30 views), and the same for a
//     worker that answers "ok" under the same wrangler dev, whose share is wrangler's own
//   - in Chromium: DOM elements after load, and the main thread's blocked time (the part of each
//     long task over 50 ms) during the load (median of 3) and after one message is sent
// Usage: npm run bench:long-chat
import { chromium, type Page } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { chromiumLaunchOptions } from '../tests/support/chromium.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { seedChat } from '../tests/support/seed-chat.ts';
import { cookieClient, median, signUpBenchUser, startEmptyWorker, startWorker, workerFetch } from './support.ts';

const SIZES = [10, 1000, 5000];
const VIEWS = 30;
const port = 8794;

const target = await resolveSupabase();
const admin = createClient(target.env.PUBLIC_SUPABASE_URL, target.env.SUPABASE_SERVICE_ROLE_KEY, {
	auth: { persistSession: false }
});
const fake = await startFakeProvider({ tokenDelayMs: 5 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });
const empty = await startEmptyWorker(port + 1);

const reply = (n: number) =>
	[
		`Here is answer ${n}. The function below does what you asked, and the table compares the options.`,
		'',
		'```ts',
		`export function step${n}(values: number[]): number {`,
		'\treturn values.reduce((sum, value) => sum + value * 2, 0);',
		'}',
		'```',
		'',
		'| option | speed | memory |',
		'| --- | --- | --- |',
		'| first | fast | high |',
		'| second | slow | low |',
		'',
		'Either works; the first is simpler to read.'
	].join('\n');

const seedLongChat = (userId: string, messages: number) =>
	seedChat(
		admin,
		userId,
		`${messages} messages`,
		Array.from({ length: messages }, (_, n) =>
			n % 2 ? reply(n) : `Question ${n}: how would you sum these values twice over?`
		)
	);

/** The main thread's blocked time since `since`: each long task's time over 50 ms. */
const blockedSince = (page: Page, since: number) =>
	page.evaluate(
		(from) =>
			((window as unknown as { longTasks: PerformanceEntry[] }).longTasks ?? [])
				.filter((task) => task.startTime >= from)
				.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
		since
	);

try {
	const { jar, request } = cookieClient(worker.base);
	const userId = await signUpBenchUser(request, admin, 'long-chat');

	const emptyCpu = async () => {
		const before = empty.cpuMs();
		for (let view = 0; view < VIEWS; view++) await (await workerFetch(empty.base)).text();
		return (empty.cpuMs() - before) / VIEWS;
	};

	const browser = await chromium.launch(chromiumLaunchOptions);
	const context = await browser.newContext();
	await context.addCookies([...jar].map(([name, value]) => ({ name, value, url: worker.base })));
	await context.addInitScript(() => {
		const tasks: PerformanceEntry[] = [];
		(window as unknown as { longTasks: PerformanceEntry[] }).longTasks = tasks;
		new PerformanceObserver((list) => tasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });
	});

	// The browser's caches warm on a chat like the ones measured before the first row: otherwise
	// the first size measured (the shortest chat) pays for fetching and compiling the page's
	// scripts, the highlighter's among them, and the rows compare unlike.
	const warmUp = await seedLongChat(userId, SIZES[0]);
	for (let load = 0; load < 3; load++) {
		const page = await context.newPage();
		await page.goto(`${worker.base}/chat/${warmUp}`);
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await page.waitForLoadState('networkidle');
		await page.close();
	}

	const rows: string[][] = [];
	for (const size of SIZES) {
		const chat = await seedLongChat(userId, size);
		const path = `/chat/${chat}`;
		let html = 0;
		const times: number[] = [];
		for (let run = 0; run < 10; run++) {
			const started = performance.now();
			const response = await request(path);
			html = (await response.arrayBuffer()).byteLength;
			times.push(performance.now() - started);
		}
		const cpuBefore = worker.cpuMs();
		for (let view = 0; view < VIEWS; view++) await (await request(path)).arrayBuffer();
		const cpu = (worker.cpuMs() - cpuBefore) / VIEWS;

		// Three loads, the median reported: one long task more or less moves a single figure a lot.
		const loads: number[] = [];
		let page!: Page;
		for (let load = 0; load < 3; load++) {
			await page?.close();
			page = await context.newPage();
			await page.goto(`${worker.base}${path}`);
			await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
			await page.waitForLoadState('networkidle');
			await page.waitForTimeout(300);
			loads.push(await blockedSince(page, 0));
		}
		const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
		const loadBlocked = median(loads);
		const sentAt = await page.evaluate(() => performance.now());
		fake.sayNext(reply(size + 1));
		await page.getByRole('textbox', { name: 'Message' }).fill('One more question');
		await page.getByRole('button', { name: 'Send' }).click();
		await page.getByRole('button', { name: 'Send' }).waitFor({ state: 'visible' });
		await page.locator('[aria-label="Conversation"] [aria-busy="true"]').waitFor({ state: 'detached' });
		await page.waitForTimeout(300);
		const sendBlocked = await blockedSince(page, sentAt);
		await page.close();
		rows.push([
			size.toLocaleString('en'),
			`${(html / 1024).toFixed(0)} KB`,
			`${median(times).toFixed(0)} ms`,
			`${cpu.toFixed(1)} ms`,
			String(elements),
			`${loadBlocked.toFixed(0)} ms`,
			`${sendBlocked.toFixed(0)} ms`
		]);
	}
	await browser.close();
	// The worker keeps its latest renderings of replies: the views above after the first are
	// repeats. A first view of each of 30 other 10-message chats renders every reply.
	const fresh = await Promise.all(Array.from({ length: VIEWS }, () => seedLongChat(userId, 10)));
	const freshBefore = worker.cpuMs();
	for (const chat of fresh) await (await request(`/chat/${chat}`)).arrayBuffer();
	const freshCpu = (worker.cpuMs() - freshBefore) / VIEWS;
	const emptyMs = await emptyCpu();

	const header = ['messages', 'HTML', 'server time', 'worker CPU', 'DOM elements', 'blocked, load', 'blocked, send'];
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
	const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column])).join('  ');
	console.log(`\n${line(header)}`);
	for (const row of rows) console.log(line(row));
	console.log(
		`\nworker CPU: workerd's process CPU (user + system, from /proc) over ${VIEWS} views of the page, per view` +
			`\n(its replies' renderings kept from the first); a first view of a 10-message chat: ${freshCpu.toFixed(1)} ms.` +
			`\nThe empty worker under the same wrangler dev spends ${emptyMs.toFixed(1)} ms per request, which is wrangler's share.`
	);
} finally {
	worker.stop();
	empty.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
