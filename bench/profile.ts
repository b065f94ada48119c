// Where the Worker's CPU goes: V8's sampling profiler, through wrangler dev's inspector (port
// 9229), over a run of page views of /chat/[id] or of messages sent in chats of 20 (the stream
// endpoint, and the reply's Durable Object, which runs in the same isolate locally). Prints the
// functions with the most samples of their own and in all, with their place in wrangler's bundle.
// The profiler slows what it samples, and samples JavaScript only (workerd's runtime, its I/O and
// V8's GC threads are outside it): read the shares, not the milliseconds; bench:cpu-split
// measures the CPU itself. Writes the whole profile to bench/results/<kind>.cpuprofile, which
// Chromium's DevTools open.
// `long`: messages whose replies are 100 words, each its own chunk of the model's stream, for what
// the app spends per chunk.
// Usage: npm run bench:profile [-- page|message|long [requests]]
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { cookieClient, signUpBenchUser, startWorker, stream } from './support.ts';

const kind = process.argv[2] === 'message' || process.argv[2] === 'long' ? process.argv[2] : 'page';
// The fake model echoes a message word by word.
const content = kind === 'long' ? Array.from({ length: 100 }, (_, n) => `word${n}`).join(' ') : 'Next';
const requests = Number(process.argv[3] ?? 100);
const port = 8796;
const INSPECTOR = 'http://127.0.0.1:9229';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}
interface Profile {
	nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
	samples: number[];
	timeDeltas: number[];
}

/** A Chrome DevTools Protocol session over the inspector's WebSocket. */
async function inspect() {
	const [target] = (await (await fetch(`${INSPECTOR}/json`)).json()) as { webSocketDebuggerUrl: string }[];
	// wrangler's inspector proxy takes connections from its DevTools' origin only.
	const socket = new WebSocket(target.webSocketDebuggerUrl, {
		headers: { origin: 'https://devtools.devprod.cloudflare.dev' }
	} as unknown as string[]);
	await new Promise((resolve, reject) => {
		socket.addEventListener('open', resolve);
		socket.addEventListener('error', reject);
	});
	let next = 0;
	const waiting = new Map<number, (result: unknown) => void>();
	socket.addEventListener('message', (event) => {
		const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
		if (message.id !== undefined) waiting.get(message.id)?.(message.result);
	});
	return {
		send<T>(method: string, params: object = {}): Promise<T> {
			const id = ++next;
			socket.send(JSON.stringify({ id, method, params }));
			return new Promise((resolve) => waiting.set(id, resolve as (result: unknown) => void));
		},
		close: () => socket.close()
	};
}

/**
 * Shares of the samples, each counted once. A sample's time delta runs from the sample before it,
 * and the isolate is not sampled while it waits for I/O: weighted by time, the first sample after a
 * wait carries the whole wait, and the function that resumes after a fetch looked costly.
 */
function summarize(profile: Profile) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parentOf = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
	const label = ({ functionName, url, lineNumber }: CallFrame) =>
		`${functionName || '(anonymous)'}${url ? ` ${url.split('/').pop()}:${lineNumber + 1}` : ''}`;
	const own = new Map<string, number>();
	const all = new Map<string, number>();
	let busy = 0;
	profile.samples.forEach((sample) => {
		const leaf = byId.get(sample)!.callFrame;
		if (leaf.functionName === '(idle)') return;
		busy += 1;
		own.set(label(leaf), (own.get(label(leaf)) ?? 0) + 1);
		const seen = new Set<string>();
		for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
			const name = label(byId.get(id)!.callFrame);
			if (seen.has(name)) continue;
			seen.add(name);
			all.set(name, (all.get(name) ?? 0) + 1);
		}
	});
	const top = (counts: Map<string, number>, count: number) =>
		[...counts]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([name, samples]) => `  ${((100 * samples) / busy).toFixed(1).padStart(5)} %  ${name}`)
			.join('\n');
	const interval = [...profile.timeDeltas].sort((a, b) => a - b)[Math.floor(profile.timeDeltas.length / 2)] ?? 0;
	console.log(
		`\n${busy} samples of JavaScript running, about ${((busy * interval) / 1000 / requests).toFixed(1)} ms per request ` +
			'(the profiler included); workerd’s runtime, its I/O and V8’s GC threads are not sampled (perf sees them)'
	);
	console.log(`\nmost samples of their own:\n${top(own, 25)}`);
	console.log(`\nmost samples in all (with what they call):\n${top(all, 40)}`);
	const packages = byPackage(profile);
	if (packages)
		console.log(
			`\nby package (a sample of built-in code counts for the nearest JavaScript that called it):\n${top(packages, 20)}`
		);
}

/**
 * The samples by the package their JavaScript comes from, read off the `// node_modules/…`
 * lines that wrangler's bundle (.wrangler/tmp/dev-…/index.js, the newest) opens each module with.
 */
function byPackage(profile: Profile): Map<string, number> | null {
	const tmp = path.join(projectRoot, '.wrangler', 'tmp');
	if (!existsSync(tmp)) return null;
	const newest = readdirSync(tmp)
		.filter((name) => name.startsWith('dev-'))
		.map((name) => path.join(tmp, name, 'index.js'))
		.filter((file) => existsSync(file))
		.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
	if (!newest) return null;
	const starts: { line: number; module: string }[] = [];
	readFileSync(newest, 'utf8')
		.split('\n')
		.forEach((text, line) => {
			const module = /^\/\/ (\S+\.(?:m?js|cjs|ts|svelte))$/.exec(text)?.[1];
			if (module) starts.push({ line, module });
		});
	const packageAt = (line: number) => {
		let module = '(before the first module)';
		for (const start of starts) {
			if (start.line > line) break;
			module = start.module;
		}
		const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module)?.[1];
		if (inPackage) return inPackage;
		return module.includes('.svelte-kit/output/server/index') ? '@sveltejs/kit (server)' : `Parley: ${module}`;
	};
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parentOf = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
	const counts = new Map<string, number>();
	profile.samples.forEach((sample) => {
		const leaf = byId.get(sample)!.callFrame;
		if (leaf.functionName === '(idle)') return;
		let id: number | undefined = sample;
		while (id !== undefined && byId.get(id)!.callFrame.url !== 'index.js') id = parentOf.get(id);
		const name =
			id !== undefined
				? packageAt(byId.get(id)!.callFrame.lineNumber)
				: leaf.functionName.startsWith('(')
					? leaf.functionName
					: 'built-in code, no JavaScript caller';
		counts.set(name, (counts.get(name) ?? 0) + 1);
	});
	return counts;
}

const target = await resolveSupabase();
const fake = await startFakeProvider({ tokenDelayMs: 0 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });
try {
	const { request } = cookieClient(worker.base);
	const admin = createClient(target.env.PUBLIC_SUPABASE_URL, target.env.SUPABASE_SERVICE_ROLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const userId = await signUpBenchUser(request, admin, 'profile');
	// Past the plan's 200 replies a day, a message is refused: cheap, and not what is profiled.
	await admin.auth.admin.updateUserById(userId, { app_metadata: { reply_limit: 100_000 } });
	const first = await request('/api/chat', stream({ messageId: crypto.randomUUID(), content: 'Hello there' }));
	const sessionId = (JSON.parse((await first.text()).split('\n')[0]) as { sessionId: string }).sessionId;
	// Messages go to chats of 20, as bench:load sends them: a chat's history grows with each one,
	// and one chat of hundreds would make the profile about reading long histories.
	let sent = 0;
	let chat: string | undefined;
	const send = async () => {
		const response = await request(
			'/api/chat',
			stream({ messageId: crypto.randomUUID(), content, ...(chat ? { sessionId: chat } : {}) })
		);
		const body = await response.text();
		if (!response.ok) throw new Error(`a message was refused: ${response.status} ${body.slice(0, 200)}`);
		chat = ++sent % 20 ? (JSON.parse(body.split('\n')[0]) as { sessionId: string }).sessionId : undefined;
		return new Response(body);
	};
	const once = kind === 'page' ? () => request(`/chat/${sessionId}`) : send;
	// Warm up first: the profile is of the steady state, not of the first compile.
	for (let warm = 0; warm < 20; warm++) await (await once()).text();

	const inspector = await inspect();
	await inspector.send('Profiler.enable');
	await inspector.send('Profiler.setSamplingInterval', { interval: 200 });
	await inspector.send('Profiler.start');
	for (let index = 0; index < requests; index++) await (await once()).text();
	const { profile } = await inspector.send<{ profile: Profile }>('Profiler.stop');
	inspector.close();
	const file = path.join(projectRoot, 'bench', 'results', `${kind}.cpuprofile`);
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, JSON.stringify(profile));
	console.log(
		`${requests} ${kind === 'page' ? 'page views of /chat/[id]' : kind === 'long' ? 'messages sent, with replies of 100 words' : 'messages sent'}; the profile is in ${file}`
	);
	summarize(profile);
} finally {
	worker.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
