// Where a page view's CPU goes, by difference: the production worker in workerd (wrangler dev)
// answering requests that each do one thing more than the one before, beside the empty worker
// under the same wrangler dev (nothing, then one subrequest to PostgREST). Each figure is workerd's
// process CPU (user + system, from /proc, in 10 ms ticks) over the requests, per request, after
// ten requests to warm up; the sampling profiler (bench:profile) slows what it samples and spreads
// the blame, this does not. Runs every row twice: the rows' spread is the noise.
// Usage: npm run bench:cpu-split [-- requests [text]]   (default 200 per row; with text, only the rows
// whose label has it, beside the empty worker's)
import { createClient } from '@supabase/supabase-js';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { seedChat } from '../tests/support/seed-chat.ts';
import { cookieClient, signUpBenchUser, startEmptyWorker, startWorker, stream, type Worker } from './support.ts';

const requests = Number(process.argv[2] ?? 200);
const only = process.argv[3];
const rounds = 2;
const port = 8797;

const target = await resolveSupabase();
const admin = createClient(target.env.PUBLIC_SUPABASE_URL, target.env.SUPABASE_SERVICE_ROLE_KEY, {
	auth: { persistSession: false }
});
const fake = await startFakeProvider({ tokenDelayMs: 5 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });
const empty = await startEmptyWorker(port + 1, {
	// A read that answers [] (no rows for anon): the subrequest, not the body, is measured.
	FETCH_URL: `${target.env.PUBLIC_SUPABASE_URL}/rest/v1/chat_sessions?select=id&limit=1`,
	FETCH_APIKEY: target.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY
});

async function cpuPerRequest(on: Worker, go: () => Promise<Response>): Promise<number> {
	for (let warm = 0; warm < 10; warm++) await (await go()).arrayBuffer();
	const before = on.cpuMs();
	for (let n = 0; n < requests; n++) await (await go()).arrayBuffer();
	return (on.cpuMs() - before) / requests;
}

try {
	const { request } = cookieClient(worker.base);
	const userId = await signUpBenchUser(request, admin, 'cpu-split');
	const tenMessages = Array.from({ length: 10 }, (_, n) =>
		n % 2 ? `Answer ${n}, with **bold** and \`code\`.` : `Question ${n}?`
	);
	const chat = await seedChat(admin, userId, 'Ten messages', tenMessages);
	// Someone whose sidebar is full: the same chat, and 49 more listed beside it (a page of the list).
	const full = cookieClient(worker.base);
	const fullUserId = await signUpBenchUser(full.request, admin, 'cpu-split-full');
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
	const sendMessage = async () => {
		const response = await request(
			'/api/chat',
			stream({ messageId: crypto.randomUUID(), content: `Message ${sent}`, sessionId: messageChats[sent++ % 20] })
		);
		const events = await response.text();
		if (!events.includes('"type":"done"')) throw new Error(`a message did not get its reply: ${events.slice(-200)}`);
		return new Response(events);
	};

	const rows: [string, Worker, () => Promise<Response>][] = [
		['empty worker: nothing', empty, () => fetch(empty.base)],
		['empty worker: one fetch to PostgREST', empty, () => fetch(`${empty.base}/fetch`)],
		['signed out: a 404 page', worker, () => fetch(`${worker.base}/no-such-page`)],
		['signed out: the sign-in page', worker, () => fetch(`${worker.base}/login`)],
		// No tool servers are configured here, so this answers without reading anything.
		['signed in: JSON, no database read', worker, () => request(`/chat/${chat}/tools`)],
		// readReply finds nothing: one PostgREST read, then a 404.
		['signed in: JSON after one read', worker, () => request(`/api/chat/replies/${crypto.randomUUID()}`)],
		['signed in: a new chat (list: 1 read)', worker, () => request('/chat')],
		// The chat and the chat list, in one read (chat_page).
		['signed in: a chat’s data (1 read)', worker, () => request(`/chat/${chat}/__data.json`)],
		['signed in: a chat of 10 messages (1 read)', worker, () => request(`/chat/${chat}`)],
		['  the same, with 50 chats listed', worker, () => full.request(`/chat/${fullChat}`)],
		// The stream read to its end: the request, the reply's Durable Object, the model's stream.
		['signed in: a message sent (stream)', worker, sendMessage]
	];
	const figures = new Map<string, number[]>();
	for (let round = 0; round < rounds; round++) {
		for (const [label, on, go] of rows) {
			if (only && on !== empty && !label.includes(only)) continue;
			figures.set(label, [...(figures.get(label) ?? []), await cpuPerRequest(on, go)]);
		}
	}
	console.log(`\nworkerd CPU per request, ms (${requests} requests a row, ${rounds} rounds):\n`);
	for (const [label, values] of figures) {
		console.log(`  ${label.padEnd(44)} ${values.map((value) => value.toFixed(2).padStart(6)).join(' ')}`);
	}
} finally {
	worker.stop();
	empty.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
