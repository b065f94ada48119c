// Measures Parley's chat against the production build running in workerd (wrangler dev), the
// local stack and the fake OpenAI-compatible provider:
//   - requests to the auth server per page view
//   - database round trips (PostgREST requests, counted by the local gateway) per chat action
//   - time to first token in the browser minus the fake model's own, over several messages
//   - the JavaScript shipped to /chat/[id], gzipped, and what loads later on demand (the markdown
//     renderer for a streamed reply, the highlighter for the first code block, KaTeX for the
//     first formula), and the time from a formula's reply's first byte to the typeset formula
// Usage: npm run bench:chat [-- rounds]
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { chromiumLaunchOptions } from '../tests/support/chromium.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { cookieClient, form, median, startWorker, stream } from './support.ts';

const rounds = Number(process.argv[2] ?? 5);
const port = 8790;

const target = await resolveSupabase();
if (!target.env.LOCAL_SUPABASE_AUTH_URL)
	throw new Error('This bench reads the local stack’s counters; unset PUBLIC_SUPABASE_URL.');
type RequestLog = { total: number; byRoute: Record<string, number> };
const requestLog = async (url: string) => (await (await fetch(`${url}/_local/requests`)).json()) as RequestLog;
const authRequests = async () => (await requestLog(target.env.LOCAL_SUPABASE_AUTH_URL)).total;
// Each PostgREST request is one database round trip; the gateway also proxies /auth/v1.
const databaseRequests = async () =>
	Object.entries((await requestLog(target.env.PUBLIC_SUPABASE_URL)).byRoute)
		.filter(([route]) => route.includes(' /rest/v1/'))
		.reduce((sum, [, count]) => sum + count, 0);

const fake = await startFakeProvider({ tokenDelayMs: 20 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });
const base = worker.base;

try {
	const { jar, request: send } = cookieClient(base);
	const request = async (path: string, init?: RequestInit) => {
		const response = await send(path, init);
		await response.text();
		return response;
	};
	async function measure(action: () => Promise<Response>) {
		const [auth, database] = [await authRequests(), await databaseRequests()];
		const response = await action();
		return { response, auth: (await authRequests()) - auth, database: (await databaseRequests()) - database };
	}

	const email = `bench-chat-${Date.now()}@example.com`;
	await request('/login?/signup', form({ email, password: 'bench-password-1', redirectTo: '/chat' }));

	const rows: [string, number, number][] = [];
	const first = await measure(() => request('/chat?/send', form({ messageId: crypto.randomUUID(), content: 'First' })));
	const chat = first.response.headers.get('location')!;
	rows.push(['first message, no JS (form; title after)', first.database, first.auth]);
	const next = await measure(() => request(`${chat}?/send`, form({ messageId: crypto.randomUUID(), content: 'Next' })));
	rows.push(['next message, no JS (form action)', next.database, next.auth]);
	const firstJs = await measure(() =>
		request('/api/chat', stream({ messageId: crypto.randomUUID(), content: 'First' }))
	);
	rows.push(['first message, JS (stream; + title write)', firstJs.database, firstJs.auth]);
	const chatId = chat.split('/').at(-1)!;
	const nextJs = await measure(() =>
		request('/api/chat', stream({ messageId: crypto.randomUUID(), content: 'Next', sessionId: chatId }))
	);
	rows.push(['next message, JS (stream endpoint)', nextJs.database, nextJs.auth]);
	const views = 20;
	const pageViews = await measure(async () => {
		let last!: Response;
		for (let index = 0; index < views; index++) last = await request(chat);
		return last;
	});
	rows.push([`page view of /chat/[id] (mean of ${views})`, pageViews.database / views, pageViews.auth / views]);

	// The chat library: each row is one request, as a browser without JavaScript makes it.
	const library: [string, () => Promise<Response>][] = [
		['search page (/search?q=)', () => request('/search?q=first')],
		[
			'next page of the chat list',
			() => request(`/chats/page?after=${encodeURIComponent(`${new Date().toISOString()}_${chatId}`)}`)
		],
		[
			'rename a chat (form action)',
			() => request('/chats?/rename', form({ id: chatId, title: 'Renamed', redirectTo: chat }))
		],
		['share a chat (form action)', () => request(`${chat}?/share`, form({}))],
		['export one chat (JSON)', () => request(`/chats/export?id=${chatId}&format=json`)]
	];
	for (const [label, action] of library) {
		const measured = await measure(action);
		if (measured.response.status >= 400) throw new Error(`${label}: status ${measured.response.status}`);
		rows.push([label, measured.database, measured.auth]);
	}

	console.log('\nround trips                              database  auth server');
	for (const [label, database, auth] of rows) {
		console.log(`${label.padEnd(40)} ${String(database).padStart(8)}  ${String(auth).padStart(11)}`);
	}

	// The browser: time to first token and the JavaScript it loads.
	const browser = await chromium.launch(chromiumLaunchOptions);
	const context = await browser.newContext();
	await context.addCookies([...jar].map(([name, value]) => ({ name, value, url: base })));
	const page = await context.newPage();
	const scripts: Buffer[] = [];
	const scriptNames: string[] = [];
	page.on('response', async (response) => {
		if (response.request().resourceType() !== 'script') return;
		const body = await response.body();
		scripts.push(body);
		scriptNames.push(new URL(response.url()).pathname.split('/').pop()!);
	});
	await page.goto(`${base}${chat}`);
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await page.waitForLoadState('networkidle');
	const initialScripts = scripts.length;
	const raw = scripts.reduce((sum, body) => sum + body.length, 0);
	const gzipped = scripts.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
	const largest = scripts
		.map((body, index) => ({ name: scriptNames[index], size: gzipSync(body, { level: 9 }).length }))
		.sort((a, b) => b.size - a.size)
		.slice(0, 8);

	const relay: number[] = [];
	const overhead: number[] = [];
	const toModel: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const replies = page.locator('[aria-label="Conversation"] li.assistant');
		const count = await replies.count();
		const firstTokenInBrowser = page.evaluate((index) => {
			return new Promise<{ firstText: number }>((resolve) => {
				const check = () => {
					const reply = document.querySelectorAll('[aria-label="Conversation"] li.assistant .text')[index];
					if (reply?.textContent?.trim()) {
						observer.disconnect();
						resolve({ firstText: performance.timeOrigin + performance.now() });
					}
				};
				const observer = new MutationObserver(check);
				observer.observe(document.body, { subtree: true, childList: true, characterData: true });
			});
		}, count);
		// Awaited below; a failure meanwhile must be the one reported, not this promise's.
		firstTokenInBrowser.catch(() => {});
		await page.getByRole('textbox', { name: 'Message' }).fill(`Round ${round} of the bench`);
		await page.getByRole('button', { name: 'Send' }).click();
		const { firstText } = await firstTokenInBrowser;
		// Settled: the reply is stored and the composer is free for the next round.
		await page.waitForFunction(
			() =>
				!document.querySelector('[aria-busy="true"]') &&
				!document.querySelector<HTMLButtonElement>('form.composer button[type=submit]')?.disabled
		);
		// When the browser started the streaming request, on the same clock as the fake's (the
		// entry appears once the response has ended).
		const requestStart = await page.evaluate(() => {
			const entries = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/api/chat'));
			return performance.timeOrigin + entries[entries.length - 1].startTime;
		});
		const call = fake.calls.at(-1)!;
		relay.push(firstText - call.firstTokenAt!);
		overhead.push(firstText - requestStart - (call.firstTokenAt! - call.receivedAt));
		toModel.push(call.receivedAt - requestStart);
	}
	// A reply with a code block brings the highlighter, on its own.
	const beforeCode = scripts.length;
	fake.sayNext('Code:\n\n```js\nconst answer = 42;\n```\n');
	await page.getByRole('textbox', { name: 'Message' }).fill('Show me code');
	await page.getByRole('button', { name: 'Send' }).click();
	await page.locator('pre code .hljs-keyword').first().waitFor();
	await page.waitForLoadState('networkidle');
	const highlighter = scripts.slice(beforeCode);
	// A reply with a formula brings KaTeX: the time from the reply's first byte in the browser to
	// the formula typeset on screen.
	const beforeMath = scripts.length;
	const stylesheets: Buffer[] = [];
	page.on('response', async (response) => {
		if (response.request().resourceType() !== 'stylesheet' || !/katex/i.test(response.url())) return;
		// A body that arrives after the browser closed is not counted.
		stylesheets.push(await response.body().catch(() => Buffer.alloc(0)));
	});
	fake.sayNext('The area is $\\pi r^2$, and $$\\int_0^1 x\\,dx = \\frac{1}{2}$$');
	const typeset = page.evaluate(
		() =>
			new Promise<number>((resolve) => {
				const observer = new MutationObserver(() => {
					if (document.querySelector('li.assistant .katex')) {
						observer.disconnect();
						resolve(performance.timeOrigin + performance.now());
					}
				});
				observer.observe(document.body, { subtree: true, childList: true });
			})
	);
	await page.getByRole('textbox', { name: 'Message' }).fill('Show me math');
	await page.getByRole('button', { name: 'Send' }).click();
	const formulaAt = await typeset;
	await page.waitForFunction(() => [...document.styleSheets].some((sheet) => sheet.href?.includes('katex')));
	await page.waitForLoadState('networkidle');
	const firstByteAt = await page.evaluate(() => {
		const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
		const chat = entries.filter((entry) => entry.name.endsWith('/api/chat')).at(-1)!;
		return performance.timeOrigin + chat.responseStart;
	});
	const katex = scripts.slice(beforeMath);
	await browser.close();

	console.log(`\ntime to first token, ${rounds} messages (ms)`);
	console.log(
		`  browser shows it − fake model sends it:        median ${median(relay).toFixed(1)}  (${relay.map((v) => v.toFixed(1)).join(', ')})`
	);
	console.log(
		`  request sent → shown, minus the model's wait:  median ${median(overhead).toFixed(1)}  (${overhead.map((v) => v.toFixed(1)).join(', ')})`
	);
	console.log(
		`  of which request sent → model called:          median ${median(toModel).toFixed(1)}  (${toModel.map((v) => v.toFixed(1)).join(', ')})`
	);
	console.log(
		`\nJavaScript loaded by /chat/[id]: ${initialScripts} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped`
	);
	console.log(`  largest: ${largest.map(({ name, size }) => `${name} ${(size / 1024).toFixed(1)} KB`).join(', ')}`);
	// Loaded later, on demand: the markdown renderer, once a reply streams in this tab.
	const later = scripts.slice(initialScripts, beforeCode);
	const laterGzipped = later.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
	console.log(
		`loaded on demand while replies streamed: ${later.length} files, ${(laterGzipped / 1024).toFixed(1)} KB gzipped`
	);
	const highlighterGzipped = highlighter.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
	console.log(
		`loaded on demand by the first code block (the highlighter): ${highlighter.length} files, ${(highlighterGzipped / 1024).toFixed(1)} KB gzipped`
	);
	const katexGzipped = [...katex, ...stylesheets].reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
	console.log(
		`loaded on demand by the first formula (KaTeX and its stylesheet): ${katex.length + stylesheets.length} files, ${(katexGzipped / 1024).toFixed(1)} KB gzipped, fonts aside`
	);
	console.log(`reply's first byte → first formula typeset: ${(formulaAt - firstByteAt).toFixed(0)} ms`);
} finally {
	worker.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
