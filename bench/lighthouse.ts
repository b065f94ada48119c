// Lighthouse's mobile scores (Performance, Accessibility, Best Practices) for /login and chat
// pages (prose, a code block, formulas), against the production build in workerd, the local stack
// and the fake provider, in Debian's Chromium. Lighthouse's default run is a mid-range phone on a throttled network.
// Usage: npm run bench:lighthouse [-- runs per page]
import { launch } from 'chrome-launcher';
import lighthouse, { type Result } from 'lighthouse';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { chromiumLaunchOptions } from '../tests/support/chromium.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { cookieClient, form, startWorker, stream } from './support.ts';

const port = 8792;
const RUNS = Number(process.argv[2] ?? 3);
const target = await resolveSupabase();
const fake = await startFakeProvider({ tokenDelayMs: 0 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });
const chrome = await launch({
	chromePath: chromiumLaunchOptions.executablePath,
	chromeFlags: ['--headless=new', ...chromiumLaunchOptions.args]
});

try {
	const { jar, request } = cookieClient(worker.base);
	const email = `bench-lighthouse-${Date.now()}@example.com`;
	await request('/login?/signup', form({ email, password: 'bench-password-1', redirectTo: '/chat' }));
	async function chatWith(reply: string) {
		fake.sayNext(reply);
		const started = await request('/api/chat', stream({ messageId: crypto.randomUUID(), content: 'Show me' }));
		return (JSON.parse((await started.text()).split('\n')[0]) as { sessionId: string }).sessionId;
	}
	const prose = await chatWith('Here is an answer with **markdown** and a list:\n\n- one\n- two\n');
	const code = await chatWith('Here is some code:\n\n```js\nconst answer = 42;\n```\n');
	const math = await chatWith('The area is $\\pi r^2$, and $$\\int_0^1 x\\,dx = \\frac{1}{2}$$');
	const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

	const pages: { label: string; url: string; headers: Record<string, string> }[] = [
		{ label: '/login', url: `${worker.base}/login`, headers: {} },
		{ label: '/chat/[id]', url: `${worker.base}/chat/${prose}`, headers: { cookie } },
		{ label: '/chat/[id] with a code block', url: `${worker.base}/chat/${code}`, headers: { cookie } },
		{ label: '/chat/[id] with math', url: `${worker.base}/chat/${math}`, headers: { cookie } }
	];
	const categories = ['performance', 'accessibility', 'best-practices'] as const;
	console.log('\nLighthouse, mobile            performance  accessibility  best practices');
	for (const page of pages) {
		// Scores move from run to run on a busy machine: each page is measured RUNS times, and the
		// run with the median performance score is the one reported.
		const runs: Result[] = [];
		for (let run = 0; run < RUNS; run++) {
			const result = await lighthouse(page.url, {
				port: chrome.port,
				output: 'json',
				logLevel: 'error',
				onlyCategories: [...categories],
				extraHeaders: page.headers
			});
			runs.push(result!.lhr);
		}
		const score = (lhr: Result, id: string) => Math.round((lhr.categories[id].score ?? 0) * 100);
		runs.sort((a, b) => score(a, 'performance') - score(b, 'performance'));
		const lhr = runs[Math.floor(runs.length / 2)];
		const scores = categories.map((id) => score(lhr, id));
		console.log(
			`${page.label.padEnd(30)}${scores.map((value, index) => String(value).padStart([11, 15, 16][index])).join('')}` +
				`   (performance over ${RUNS} runs: ${runs.map((run) => score(run, 'performance')).join(', ')})`
		);
		const metrics = [
			'first-contentful-paint',
			'largest-contentful-paint',
			'total-blocking-time',
			'cumulative-layout-shift'
		];
		console.log(`  ${metrics.map((id) => `${lhr.audits[id].title}: ${lhr.audits[id].displayValue}`).join('; ')}`);
		// The main thread's busiest work: where to look first when performance falls.
		const work = (
			lhr.audits['mainthread-work-breakdown']?.details as { items?: { groupLabel: string; duration: number }[] }
		)?.items
			?.slice(0, 3)
			.map((item) => `${item.groupLabel} ${Math.round(item.duration)} ms`);
		if (work?.length) console.log(`  main thread: ${work.join(', ')}`);
		// What kept a category from 100, so the figure can be acted on.
		for (const id of categories) {
			const missed = lhr.categories[id].auditRefs
				.filter((ref) => ref.weight > 0 && (lhr.audits[ref.id].score ?? 1) < 1)
				.map((ref) => `${ref.id} (${lhr.audits[ref.id].displayValue ?? lhr.audits[ref.id].score})`);
			if (missed.length) console.log(`  ${id} below 100 on: ${missed.join(', ')}`);
		}
	}
} finally {
	chrome.kill();
	worker.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
