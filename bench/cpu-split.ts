// Where a page view's CPU goes, by difference: the production worker in workerd (wrangler dev)
// answering requests that each do one thing more than the one before, beside the empty worker
// under the same wrangler dev, with the same static files in front of it (nothing; one
// subrequest to PostgREST; that subrequest answering a chat page's bytes; and a message's I/O
// with no work on it: the posted JSON read, a write, a Durable Object that relays the model's
// stream as it comes, and the reply's final write, bench/empty-worker; for a reply of a few
// words, and of a hundred, each word its own chunk of the model's stream). Less the row of the
// same I/O, a figure is the app's own work: a chat page less one fetch answering its bytes, a
// message less the message's I/O. Each figure is workerd's process CPU (user + system, from
// /proc, in 10 ms ticks) over the requests, per request, after ten requests to warm up; the
// sampling profiler (bench:profile) slows what it samples and spreads the blame, this does not.
// The table is printed twice: all of workerd's CPU, then the worker's own process's alone, as
// wrangler dev runs its proxy (the address the requests go to) in a second workerd process.
// Runs every row twice: the rows' spread is the noise.
//
// This machine's speed drifts by a third within minutes, so two builds measured one after the
// other cannot be told apart by less than that. `--against=<checkout>` runs that checkout's worker
// beside this one (its own build, its own people with the same chats) and alternates between the
// two every 20 requests: both see the same drift, and the difference is the change's.
//
// Usage: npm run bench:cpu-split [-- requests [text] [--against=<dir>]]   (default 200 per row;
// with text, only the rows whose label has it, beside the empty worker's)
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { seedChat } from '../tests/support/seed-chat.ts';
import {
	cookieClient,
	emptyMessage,
	signUpBenchUser,
	startEmptyWorker,
	startWorker,
	stream,
	type Worker,
	workerFetch
} from './support.ts';

const args = process.argv.slice(2);
const against = args.find((arg) => arg.startsWith('--against='))?.slice('--against='.length);
const [requestsArg, only] = args.filter((arg) => !arg.startsWith('--'));
const requests = Number(requestsArg ?? 200);
const rounds = 2;
const batch = 20;
const port = 8797;

const target = await resolveSupabase();
const admin = createClient(target.env.PUBLIC_SUPABASE_URL, target.env.SUPABASE_SERVICE_ROLE_KEY, {
	auth: { persistSession: false }
});
const fake = await startFakeProvider({ tokenDelayMs: 5 });
const model = { url: fake.url, id: 'fake-model' };
console.log('building the worker…');
const workers = [await startWorker(port, target.env, model)];
if (against) {
	console.log(`building the worker of ${against}…`);
	workers.push(await startWorker(port + 2, target.env, model, path.resolve(against)));
}
const empty = await startEmptyWorker(port + 1, { supabaseEnv: target.env, modelUrl: fake.url });
// The fake model echoes a message word by word: a long message gets a reply of as many words, each
// its own chunk of the model's stream, as a real model sends a token or two at a time.
const LONG_MESSAGE = Array.from({ length: 100 }, (_, n) => `word${n}`).join(' ');
let emptyMessages = 0;
const emptyMessageOf = (long: boolean) => async () =>
	new Response(await emptyMessage(empty, `Message ${emptyMessages++}${long ? ` ${LONG_MESSAGE}` : ''}`));

type Go = () => Promise<Response>;

const CHAT_PAGE = 'signed in: a chat of 10 messages (1 read)';

/** The rows' requests to one worker, by people of its own, whose chats are the same on every worker. */
async function requestsTo(worker: Worker): Promise<Map<string, Go>> {
	const { request } = cookieClient(worker.base);
	const tag = new URL(worker.base).port;
	const userId = await signUpBenchUser(request, admin, `cpu-split-${tag}`);
	const tenMessages = Array.from({ length: 10 }, (_, n) =>
		n % 2 ? `Answer ${n}, with **bold** and \`code\`.` : `Question ${n}?`
	);
	const chat = await seedChat(admin, userId, 'Ten messages', tenMessages);
	// Someone whose sidebar is full: the same chat, and 49 more listed beside it (a page of the list).
	const full = cookieClient(worker.base);
	const fullUserId = await signUpBenchUser(full.request, admin, `cpu-split-full-${tag}`);
	for (let n = 0; n < 49; n++) await seedChat(admin, fullUserId, `Chat number ${n}`, ['Hello?', 'Hi.']);
	const fullChat = await seedChat(admin, fullUserId, 'Ten messages', tenMessages);

	// Messages go round twenty chats of ten messages each, so a chat's history stays short (10 to
	// about 60 messages), as in bench:load; the fake model answers at once, in a few words.
	const messageChats = await Promise.all(
		Array.from({ length: 20 }, (_, n) => seedChat(admin, userId, `Messages ${n}`, tenMessages))
	);
	// Past the plan's 200 replies a day, a message would be refused: cheap, and not what is measured.
	await admin.auth.admin.updateUserById(userId, { app_metadata: { reply_limit: 100_000 } });
	let sent = 0;
	// Long messages are someone else's, so that the short ones' histories, and the first person's
	// chat list, stay as they were.
	const long = cookieClient(worker.base);
	const longUserId = await signUpBenchUser(long.request, admin, `cpu-split-long-${tag}`);
	await admin.auth.admin.updateUserById(longUserId, { app_metadata: { reply_limit: 100_000 } });
	const longChats = await Promise.all(
		Array.from({ length: 20 }, (_, n) => seedChat(admin, longUserId, `Long messages ${n}`, tenMessages))
	);
	const sendMessage = (isLong: boolean) => async () => {
		const response = await (isLong ? long.request : request)(
			'/api/chat',
			stream({
				messageId: crypto.randomUUID(),
				content: `Message ${sent}${isLong ? ` ${LONG_MESSAGE}` : ''}`,
				sessionId: (isLong ? longChats : messageChats)[sent++ % 20]
			})
		);
		const events = await response.text();
		if (!events.includes('"type":"done"')) throw new Error(`a message did not get its reply: ${events.slice(-200)}`);
		return new Response(events);
	};

	return new Map<string, Go>([
		// SvelteKit's pass and the hooks, with no session and no page.
		['signed out: JSON, refused at once', () => workerFetch(`${worker.base}/api/chat/replies/${crypto.randomUUID()}`)],
		['signed out: a 404 page', () => workerFetch(`${worker.base}/no-such-page`)],
		['signed out: the sign-in page', () => workerFetch(`${worker.base}/login`)],
		// No tool servers are configured here, so this answers without reading anything.
		['signed in: JSON, no database read', () => request(`/chat/${chat}/tools`)],
		// readReply finds nothing: one PostgREST read, then a 404.
		['signed in: JSON after one read', () => request(`/api/chat/replies/${crypto.randomUUID()}`)],
		['signed in: a new chat (list: 1 read)', () => request('/chat')],
		// The chat and the chat list, in one read (chat_page).
		['signed in: a chat’s data (1 read)', () => request(`/chat/${chat}/__data.json`)],
		[CHAT_PAGE, () => request(`/chat/${chat}`)],
		['  the same, with 50 chats listed', () => full.request(`/chat/${fullChat}`)],
		// The stream read to its end: the request, the reply's Durable Object, the model's stream.
		['signed in: a message sent (stream)', sendMessage(false)],
		['signed in: a message sent, a reply of 100 words', sendMessage(true)]
	]);
}

/**
 * CPU per request of each side, after ten requests each to warm up; the sides take turns, `batch`
 * requests at a time, so that the machine's drift falls on all of them alike.
 */
async function cpuPerRequest(sides: { on: Worker; go: Go }[]): Promise<{ all: number[]; worker: number[] }> {
	for (const { go } of sides) for (let warm = 0; warm < 10; warm++) await (await go()).arrayBuffer();
	const all = sides.map(() => 0);
	const worker = sides.map(() => 0);
	for (let done = 0; done < requests; done += batch) {
		for (const [index, { on, go }] of sides.entries()) {
			const [allBefore, workerBefore] = [on.cpuMs(), on.workerCpuMs()];
			for (let n = 0; n < batch; n++) await (await go()).arrayBuffer();
			all[index] += on.cpuMs() - allBefore;
			worker[index] += on.workerCpuMs() - workerBefore;
		}
	}
	const perRequest = (spent: number[]) => spent.map((ms) => ms / Math.ceil(requests / batch) / batch);
	return { all: perRequest(all), worker: perRequest(worker) };
}

try {
	const perWorker: Map<string, Go>[] = [];
	for (const worker of workers) perWorker.push(await requestsTo(worker));
	// A chat page's bytes, for the empty worker to answer as many: relaying them costs workerd and
	// wrangler dev's proxy CPU (about 0.8 ms for 58 KB on this machine) before any work.
	const pageBytes = (await (await perWorker[0].get(CHAT_PAGE)!()).arrayBuffer()).byteLength;
	const rows: [string, { on: Worker; go: Go }[]][] = [
		['empty worker: nothing', [{ on: empty, go: () => workerFetch(empty.base) }]],
		['empty worker: one fetch to PostgREST', [{ on: empty, go: () => workerFetch(`${empty.base}/fetch`) }]],
		[
			`empty worker: one fetch, answering ${Math.round(pageBytes / 1000)} KB`,
			[{ on: empty, go: () => workerFetch(`${empty.base}/fetch?bytes=${pageBytes}`) }]
		],
		['empty worker: a message’s I/O, no work', [{ on: empty, go: emptyMessageOf(false) }]],
		['empty worker: the same, a reply of 100 words', [{ on: empty, go: emptyMessageOf(true) }]],
		...[...perWorker[0].keys()]
			.filter((label) => !only || label.includes(only))
			.map((label): [string, { on: Worker; go: Go }[]] => [
				label,
				workers.map((on, index) => ({ on, go: perWorker[index].get(label)! }))
			])
	];
	const figures = new Map<string, { all: number[]; worker: number[] }[]>();
	for (let round = 0; round < rounds; round++) {
		for (const [label, sides] of rows) figures.set(label, [...(figures.get(label) ?? []), await cpuPerRequest(sides)]);
	}
	const figure = (value: number | undefined) => (value === undefined ? '' : value.toFixed(2).padStart(6));
	const table = (which: 'all' | 'worker') => {
		for (const [label, measured] of figures) {
			const side = (index: number) => measured.map((round) => figure(round[which][index])).join(' ');
			console.log(`  ${label.padEnd(44)} ${side(0)}${against && measured[0][which].length > 1 ? `   ${side(1)}` : ''}`);
		}
	};
	console.log(`\nworkerd CPU per request, ms (${requests} requests a row, ${rounds} rounds):`);
	console.log(
		'  the CPU time (user + system, /proc) of the workerd processes over the requests, after ten to warm up;\n' +
			'  less the empty worker’s, under the same wrangler dev, it is the app’s own share\n'
	);
	if (against) console.log(`  ${''.padEnd(44)} ${'this checkout'.padStart(13)}   ${against}\n`);
	table('all');
	console.log(
		'\nthe same, of the worker’s own workerd process alone (wrangler dev runs its proxy in another, which\n' +
			'  Cloudflare has no counterpart of):\n'
	);
	table('worker');
} finally {
	for (const worker of workers) worker.stop();
	empty.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
