// Load through the production worker (workerd) against the local stack and a zero-latency fake
// model, next to the same writes sent straight to PostgREST:
//   - USERS people at once, each sending MESSAGES messages as the page's JavaScript does: the
//     stream (POST /api/chat, read to the end). The page keeps the finished turn on screen and
//     reloads nothing after it (src/lib/chat/client-actions.ts); `--reload` adds the data reload
//     the page did before, for comparison;
//   - the same people's writes straight to PostgREST with their own JWT: post_message, then
//     finish_reply with the reply's writer token;
//   - p50/p95/p99 of both, their ratio, the app's database round trips per message (PostgREST
//     requests, counted by the local gateway; the direct writes make two), and workerd's CPU per
//     message and per page view, next to its CPU per request to an empty worker (wrangler dev's
//     own share);
//   - each phase's CPU per message on the whole machine, by process (Postgres, PostgREST, workerd,
//     the local gateway, this bench with its fake model), and how busy the two cores were: what
//     the app adds to the direct writes, and where;
//   - the same load on the empty worker's /message: a message's I/O with no work on it, the floor
//     for the app's ratio on this machine; the app's writes are the direct ones and its reply
//     travels the floor's path, so direct + floor (p50) is about where a worker with no work of
//     its own would be;
//   - afterwards, the database is checked: nothing lost, duplicated or crossed between people.
// Usage: npm run bench:load [-- users messages] [--reload]
import { createClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import type { Database } from '../src/lib/database.types.ts';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import {
	cookieClient,
	cpuSpent,
	emptyMessage,
	form,
	machineCpu,
	percentile,
	startEmptyWorker,
	startWorker,
	stream,
	workerFetch
} from './support.ts';

const numbers = process.argv.slice(2).filter((arg) => /^\d+$/.test(arg));
const users = Number(numbers[0] ?? 50);
const messages = Number(numbers[1] ?? 20);
const reloadAfterEach = process.argv.includes('--reload');
const pageViews = 200;
const port = 8791;
const runId = Date.now().toString(36);

const target = await resolveSupabase();
if (!target.env.SUPABASE_DB_URL) throw new Error('This bench checks the database directly; use the local stack.');
const fake = await startFakeProvider({ tokenDelayMs: 0 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });
const sql = postgres(target.env.SUPABASE_DB_URL, { max: 2, onnotice: () => {} });

/** PostgREST requests so far, by method and path, as the local gateway counts them. */
const databaseRequests = async () =>
	Object.fromEntries(
		Object.entries(
			(
				(await (await fetch(`${target.env.PUBLIC_SUPABASE_URL}/_local/requests`)).json()) as {
					byRoute: Record<string, number>;
				}
			).byRoute
		).filter(([route]) => route.includes(' /rest/v1/'))
	);

const summary = (label: string, values: number[]) =>
	`${label.padEnd(34)} p50 ${percentile(values, 50).toFixed(0).padStart(6)}  p95 ${percentile(values, 95)
		.toFixed(0)
		.padStart(6)}  p99 ${percentile(values, 99).toFixed(0).padStart(6)}  (ms, n=${values.length})`;

async function appUser(index: number) {
	const client = cookieClient(worker.base);
	const email = `load-app-${runId}-${index}@example.com`;
	await client.request('/login?/signup', form({ email, password: 'load-password-1', redirectTo: '/chat' }));
	return { client, email };
}

async function directUser(index: number) {
	const email = `load-direct-${runId}-${index}@example.com`;
	const db = createClient<Database>(target.env.PUBLIC_SUPABASE_URL, target.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const { error } = await db.auth.signUp({ email, password: 'load-password-1' });
	if (error) throw error;
	return { db, email };
}

try {
	console.log(`signing up ${users} + ${users} people…`);
	const appPeople = await Promise.all(Array.from({ length: users }, (_, index) => appUser(index)));
	const directPeople = await Promise.all(Array.from({ length: users }, (_, index) => directUser(index)));

	// The app: the stream, as the page sends it.
	const appLatencies: number[] = [];
	const appFailures: string[] = [];
	const cpuBefore = worker.cpuMs();
	const workerCpuBefore = worker.workerCpuMs();
	const requestsBefore = await databaseRequests();
	const appMachineBefore = machineCpu();
	const appStarted = performance.now();
	await Promise.all(
		appPeople.map(async ({ client }, person) => {
			let chatId: string | undefined;
			for (let index = 0; index < messages; index++) {
				const content = `person ${person} message ${index}`;
				const started = performance.now();
				const response = await client.request(
					'/api/chat',
					stream({ messageId: crypto.randomUUID(), content, ...(chatId ? { sessionId: chatId } : {}) })
				);
				const body = await response.text();
				if (!response.ok || !body.includes('"type":"done"')) {
					appFailures.push(`${response.status} ${body.slice(-200)}`);
					continue;
				}
				chatId ??= (JSON.parse(body.split('\n')[0]) as { sessionId: string }).sessionId;
				if (reloadAfterEach)
					await (await client.request(`/chat/${chatId}/__data.json?x-sveltekit-invalidated=11`)).text();
				appLatencies.push(performance.now() - started);
			}
		})
	);
	const appSeconds = (performance.now() - appStarted) / 1000;
	const appMachine = cpuSpent(appMachineBefore, machineCpu(), users * messages);
	const cpuPerMessage = (worker.cpuMs() - cpuBefore) / (users * messages);
	const workerCpuPerMessage = (worker.workerCpuMs() - workerCpuBefore) / (users * messages);
	const requestsPerMessage = Object.entries(await databaseRequests())
		.map(
			([route, count]) =>
				[
					route.replace(/^POST \/rest\/v1\/(rpc\/)?/, ''),
					(count - (requestsBefore[route] ?? 0)) / (users * messages)
				] as const
		)
		.filter(([, perMessage]) => perMessage > 0);

	// Page views, for the worker's CPU per view.
	const viewer = appPeople[0].client;
	const [{ id: viewedChat }] = await sql<{ id: string }[]>`
		select s.id from public.chat_sessions s join auth.users u on u.id = s.user_id
		where u.email = ${appPeople[0].email} limit 1`;
	const viewCpuBefore = worker.cpuMs();
	for (let index = 0; index < pageViews; index++) await (await viewer.request(`/chat/${viewedChat}`)).text();
	const cpuPerView = (worker.cpuMs() - viewCpuBefore) / pageViews;

	// The same count of requests to an empty worker: wrangler dev's own share of every request.
	// Then the same load on its /message, a message's I/O with no work on it (bench/empty-worker: the
	// request, a read, a Durable Object relaying the model's stream, another read): the floor for
	// any app that answers a message that way on this machine. Its reads cost the database less
	// than the app's two writes, so the floor is, if anything, low.
	const empty = await startEmptyWorker(port + 1, { supabaseEnv: target.env, modelUrl: fake.url });
	let cpuPerEmptyRequest: number;
	const floorLatencies: number[] = [];
	let floorSeconds: number;
	let floorCpuPerMessage: number[];
	let floorMachine: ReturnType<typeof cpuSpent>;
	try {
		const emptyCpuBefore = empty.cpuMs();
		for (let index = 0; index < pageViews; index++) await (await workerFetch(empty.base)).text();
		cpuPerEmptyRequest = (empty.cpuMs() - emptyCpuBefore) / pageViews;
		const floorCpuBefore = [empty.cpuMs(), empty.workerCpuMs()];
		const floorMachineBefore = machineCpu();
		const floorStarted = performance.now();
		await Promise.all(
			Array.from({ length: users }, async (_, person) => {
				for (let index = 0; index < messages; index++) {
					const started = performance.now();
					await emptyMessage(empty, `person ${person} message ${index}`);
					floorLatencies.push(performance.now() - started);
				}
			})
		);
		floorSeconds = (performance.now() - floorStarted) / 1000;
		floorMachine = cpuSpent(floorMachineBefore, machineCpu(), users * messages);
		floorCpuPerMessage = [empty.cpuMs(), empty.workerCpuMs()].map(
			(spent, index) => (spent - floorCpuBefore[index]) / (users * messages)
		);
	} finally {
		empty.stop();
	}

	// The same writes, straight to PostgREST.
	const directLatencies: number[] = [];
	const directMachineBefore = machineCpu();
	const directStarted = performance.now();
	await Promise.all(
		directPeople.map(async ({ db }, person) => {
			let chatId: string | undefined;
			for (let index = 0; index < messages; index++) {
				const content = `person ${person} message ${index}`;
				const started = performance.now();
				const posted = await db.rpc('post_message', {
					p_message_id: crypto.randomUUID(),
					p_content: content,
					p_session_id: chatId,
					p_title: chatId ? undefined : content
				});
				if (posted.error) throw posted.error;
				chatId = posted.data[0].session_id;
				// As the app's writer ends a reply: with the reply's own writer token.
				const written = await db.rpc('finish_reply', {
					p_reply_id: posted.data[0].reply_id,
					p_writer_token: posted.data[0].writer_token!,
					p_content: `Echo: ${content}`,
					p_status: 'complete',
					p_model: 'fake-model'
				});
				if (written.error || written.data !== true) throw written.error ?? new Error('finish_reply refused');
				directLatencies.push(performance.now() - started);
			}
		})
	);
	const directSeconds = (performance.now() - directStarted) / 1000;
	const directMachine = cpuSpent(directMachineBefore, machineCpu(), users * messages);

	console.log(`\n${users} people × ${messages} messages, at once`);
	console.log(
		summary(`app (${reloadAfterEach ? 'stream + reload' : 'stream'}), ${appSeconds.toFixed(1)} s`, appLatencies)
	);
	console.log(summary(`PostgREST direct, ${directSeconds.toFixed(1)} s`, directLatencies));
	const ratio = (p: number) => (percentile(appLatencies, p) / percentile(directLatencies, p)).toFixed(2);
	console.log(`app ÷ direct                       p50 ${ratio(50)}×  p95 ${ratio(95)}×  p99 ${ratio(99)}×`);
	console.log(summary(`empty worker, a message's I/O, ${floorSeconds.toFixed(1)} s`, floorLatencies));
	const floorRatio = (p: number) => (percentile(floorLatencies, p) / percentile(directLatencies, p)).toFixed(2);
	console.log(
		`  ÷ direct (the floor)              p50 ${floorRatio(50)}×  p95 ${floorRatio(95)}×  p99 ${floorRatio(99)}×`
	);
	console.log(
		`  its workerd CPU per message: ${floorCpuPerMessage[0].toFixed(2)} ms (its own process: ${floorCpuPerMessage[1].toFixed(2)} ms)`
	);
	// The app's writes are the direct ones, and its reply then travels the floor's path: a worker
	// that did no work of its own would take about the sum, so the ratio has that below it.
	const bound = percentile(directLatencies, 50) + percentile(floorLatencies, 50);
	console.log(
		`  direct + floor, p50: ${bound.toFixed(0)} ms, ${(bound / percentile(directLatencies, 50)).toFixed(2)}× direct ` +
			`(about a worker's with no work of its own); the app's p50 is ${(percentile(appLatencies, 50) - bound).toFixed(0)} ms over it`
	);
	const roundTrips = requestsPerMessage.reduce((sum, [, perMessage]) => sum + perMessage, 0);
	console.log(
		`app's database round trips per message: ${roundTrips.toFixed(2)} (` +
			requestsPerMessage.map(([route, perMessage]) => `${route} ${perMessage.toFixed(2)}`).join(', ') +
			'); direct: 2'
	);
	console.log(
		`workerd CPU per message: ${cpuPerMessage.toFixed(2)} ms (the worker's own process: ` +
			`${workerCpuPerMessage.toFixed(2)} ms, wrangler dev's proxy runs in another); ` +
			`per page view of /chat/[id]: ${cpuPerView.toFixed(2)} ms`
	);
	console.log(
		`workerd CPU per request to an empty worker under the same wrangler dev: ${cpuPerEmptyRequest.toFixed(2)} ms ` +
			'(its proxy and HTTP stack, which a deployed worker is not billed for)'
	);
	console.log('\nCPU per message on the whole machine (/proc), by process, and how busy its cores were:');
	for (const [label, spent] of [
		['app', appMachine],
		['empty worker', floorMachine],
		['PostgREST direct', directMachine]
	] as const) {
		console.log(
			`  ${label.padEnd(17)} ${spent.total.toFixed(2).padStart(5)} ms, cores ${(spent.busy * 100).toFixed(0)}% busy: ` +
				spent.parts.map(([part, ms]) => `${part} ${ms.toFixed(2)}`).join(', ')
		);
	}
	if (appFailures.length) console.log(`app failures: ${appFailures.length}; first: ${appFailures[0]}`);

	// Nothing lost, duplicated or crossed.
	const rows = await sql<
		{ email: string; sessions: number; users: number; replies: number; complete: number; wrong: number }[]
	>`
		select u.email,
			count(distinct s.id)::int as sessions,
			count(*) filter (where m.role = 'user')::int as users,
			count(*) filter (where m.role = 'assistant')::int as replies,
			count(*) filter (where m.role = 'assistant' and m.status = 'complete')::int as complete,
			count(*) filter (where m.user_id <> s.user_id)::int as wrong
		from auth.users u
		join public.chat_sessions s on s.user_id = u.id
		join public.chat_messages m on m.session_id = s.id
		where u.email like ${`load-%-${runId}-%`}
		group by u.email`;
	const [{ foreign }] = await sql<{ foreign: number }[]>`
		select count(*)::int as foreign from public.chat_messages m
		join auth.users u on u.id = m.user_id
		where u.email like ${`load-%-${runId}-%`}
			and m.content not like ('%person ' || split_part(split_part(u.email, '-', 4), '@', 1) || ' message %')`;
	const expected = { sessions: 1, users: messages, replies: messages, complete: messages, wrong: 0 };
	const bad = rows.filter((row) =>
		Object.entries(expected).some(([key, value]) => row[key as keyof typeof expected] !== value)
	);
	console.log(
		`\ndatabase check: ${rows.length} of ${users * 2} people found; ${bad.length} with lost, duplicated or unfinished rows; ` +
			`${foreign} messages crossed between people`
	);
	if (rows.length !== users * 2 || bad.length || foreign) {
		console.log('first problem:', bad[0] ?? 'missing people or crossed messages');
		process.exitCode = 1;
	}
} finally {
	worker.stop();
	await fake.close();
	await sql.end({ timeout: 2 });
	if (target.started) await stopStack(projectRoot);
}
