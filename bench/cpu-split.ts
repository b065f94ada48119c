// Where a page view's CPU goes, by difference: the production worker in workerd (wrangler dev)
// answering requests that each do one thing more than the one before, each beside its floor: the
// empty worker (bench/empty-worker) under the same wrangler dev, with the same static files in
// front of it, doing the row's I/O and no work, asked with the row's cookies. For a page or JSON,
// that is none or one subrequest to PostgREST, then as many bytes as the app's response; for a
// message, the posted JSON read, a write, a Durable Object that relays the model's stream as it
// comes, and the reply's final write, for a reply of a few words, and of a hundred, each word its
// own chunk of the model's stream. Less its floor, a figure is the app's own work. Each figure
// is workerd's process CPU (user + system, from /proc, in 10 ms ticks) over the requests, per
// request, after ten requests to warm up; the sampling profiler (bench:profile) slows what it
// samples and spreads the blame, this does not. The table is printed twice: all of workerd's
// CPU, then the worker's own process's alone, as wrangler dev runs its proxy (the address the
// requests go to) in a second workerd process. Runs every row twice: the rows' spread is the
// noise.
//
// This machine's speed drifts by a third within minutes, so two things measured one after the
// other cannot be told apart by less than that: a row and its floor take turns every 20
// requests, and so does `--against=<checkout>`, which runs that checkout's worker beside this one
// (its own build, its own people with the same chats). All of a row's sides see the same drift.
//
// Usage: npm run bench:cpu-split [-- requests [text] [--against=<dir>]]   (default 200 per row;
// with text, only the rows whose label has it)
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
const emptyMessageOf = (long: boolean, cookie?: string) => async () =>
	new Response(await emptyMessage(empty, `Message ${emptyMessages++}${long ? ` ${LONG_MESSAGE}` : ''}`, cookie));

type Go = () => Promise<Response>;
/**
 * What the empty worker does for a row's floor: nothing but answer as many bytes; one read, then
 * as many bytes; a message's I/O; the same for a reply of 100 words.
 */
type Floor = 'none' | 'read' | 'message' | 'long message';
interface Row {
	go: Go;
	floor: Floor;
	/** The Cookie header the row's requests send, which its floor's requests send too. */
	cookies?: () => string;
}

const CHAT_PAGE = 'signed in: a chat of 10 messages (1 read)';

/** The rows' requests to one worker, by people of its own, whose chats are the same on every worker. */
async function requestsTo(worker: Worker): Promise<Map<string, Row>> {
	const { request, cookieHeader } = cookieClient(worker.base);
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

	return new Map<string, Row>([
		// SvelteKit's pass and the hooks, with no session and no page.
		[
			'signed out: JSON, refused at once',
			{ go: () => workerFetch(`${worker.base}/api/chat/replies/${crypto.randomUUID()}`), floor: 'none' }
		],
		['signed out: a 404 page', { go: () => workerFetch(`${worker.base}/no-such-page`), floor: 'none' }],
		['signed out: the sign-in page', { go: () => workerFetch(`${worker.base}/login`), floor: 'none' }],
		// No tool servers are configured here, so this answers without reading anything.
		[
			'signed in: JSON, no database read',
			{ go: () => request(`/chat/${chat}/tools`), floor: 'none', cookies: cookieHeader }
		],
		// readReply finds nothing: one PostgREST read, then a 404.
		[
			'signed in: JSON after one read',
			{ go: () => request(`/api/chat/replies/${crypto.randomUUID()}`), floor: 'read', cookies: cookieHeader }
		],
		['signed in: a new chat (list: 1 read)', { go: () => request('/chat'), floor: 'read', cookies: cookieHeader }],
		// The chat and the chat list, in one read (chat_page).
		[
			'signed in: a chat’s data (1 read)',
			{ go: () => request(`/chat/${chat}/__data.json`), floor: 'read', cookies: cookieHeader }
		],
		[CHAT_PAGE, { go: () => request(`/chat/${chat}`), floor: 'read', cookies: cookieHeader }],
		[
			'  the same, with 50 chats listed',
			{ go: () => full.request(`/chat/${fullChat}`), floor: 'read', cookies: full.cookieHeader }
		],
		// The stream read to its end: the request, the reply's Durable Object, the model's stream.
		['signed in: a message sent (stream)', { go: sendMessage(false), floor: 'message', cookies: cookieHeader }],
		[
			'signed in: a message sent, a reply of 100 words',
			{ go: sendMessage(true), floor: 'long message', cookies: long.cookieHeader }
		]
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
	const perWorker: Map<string, Row>[] = [];
	for (const worker of workers) perWorker.push(await requestsTo(worker));
	/**
	 * The empty worker's floor for a row: its I/O, answering as many bytes as the row's response,
	 * asked with the same cookies (a session's are a few KB a request).
	 */
	const floorOf = async ({ go, floor, cookies }: Row): Promise<Go> => {
		const cookie = cookies?.();
		if (floor === 'message' || floor === 'long message') return emptyMessageOf(floor === 'long message', cookie);
		const bytes = (await (await go()).arrayBuffer()).byteLength;
		const headers = cookie ? { cookie } : undefined;
		return () => workerFetch(`${empty.base}/${floor === 'read' ? 'fetch' : ''}?bytes=${bytes}`, { headers });
	};
	const rows: { label: string; sides: { on: Worker; go: Go }[]; floored: boolean }[] = [
		// Reference rows: what wrangler dev and workerd spend on any request, and on one subrequest.
		{ label: 'empty worker: nothing', sides: [{ on: empty, go: () => workerFetch(empty.base) }], floored: false },
		{
			label: 'empty worker: one fetch to PostgREST',
			sides: [{ on: empty, go: () => workerFetch(`${empty.base}/fetch`) }],
			floored: false
		}
	];
	for (const label of perWorker[0].keys()) {
		if (only && !label.includes(only)) continue;
		const row = perWorker[0].get(label)!;
		rows.push({
			label,
			sides: [
				...workers.map((on, index) => ({ on, go: perWorker[index].get(label)!.go })),
				{ on: empty, go: await floorOf(row) }
			],
			floored: true
		});
	}
	const figures = new Map<string, { all: number[]; worker: number[] }[]>();
	for (let round = 0; round < rounds; round++) {
		for (const { label, sides } of rows)
			figures.set(label, [...(figures.get(label) ?? []), await cpuPerRequest(sides)]);
	}
	const figure = (value: number) => value.toFixed(2).padStart(6);
	const columns = [...workers.map((_, index) => (index ? against! : 'this checkout')), 'floor'];
	const table = (which: 'all' | 'worker') => {
		console.log(
			`  ${''.padEnd(46)}${columns.map((name) => name.slice(-13).padStart(14)).join('')}` +
				`${workers.map((_, index) => `${columns[index].slice(-13)} − floor`.padStart(24)).join('')}`
		);
		for (const { label, floored } of rows) {
			const measured = figures.get(label)!;
			const cell = (side: number) => measured.map((round) => figure(round[which][side])).join(' ');
			const sides = floored ? columns.length : 1;
			const own = floored
				? workers.map((_, side) =>
						measured.map((round) => figure(round[which][side] - round[which][columns.length - 1])).join(' ')
					)
				: [];
			console.log(
				`  ${label.padEnd(46)}${Array.from({ length: sides }, (_, side) => cell(side).padStart(14)).join('')}` +
					`${own.map((pair) => pair.padStart(24)).join('')}`
			);
		}
	};
	console.log(
		`\nworkerd CPU per request, ms (${requests} requests a row, ${rounds} rounds, each round's figure apart):`
	);
	console.log(
		'  the CPU time (user + system, /proc) of the workerd processes over the requests, after ten to warm up.\n' +
			'  Each row takes turns, 20 requests at a time, with its floor: the empty worker, under the same wrangler\n' +
			'  dev, doing the same I/O (none or one read, answering as many bytes; or a message’s I/O), asked with the\n' +
			'  same cookies, and no work.\n' +
			'  Less the floor, a figure is the app’s own share.\n'
	);
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
