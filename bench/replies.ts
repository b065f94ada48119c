// Measures replies that outlive their request, against the production build in workerd (wrangler
// dev), the local stack and the fake provider:
//   - database writes per streamed reply of 1,000 tokens (progress batched every 250 ms, plus the
//     final write), and what an unbatched writer would make (one per token)
//   - resume latency: from asking to follow a reply being written (what a reload does) to the
//     first new text, over several rounds
//   - database round trips for Stop, Regenerate, Edit and switching versions
//   - database reads per follower-minute: three followers of a ten-second reply
// Usage: npm run bench:replies [-- rounds]
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { startFakeProvider } from '../tests/support/fake-provider.ts';
import { cookieClient, form, median, percentile, startWorker, stream } from './support.ts';

const rounds = Number(process.argv[2] ?? 5);
const port = 8791;
const TOKENS = 1000;

const target = await resolveSupabase();
if (!target.env.LOCAL_SUPABASE_AUTH_URL)
	throw new Error('This bench reads the local stack’s counters; unset PUBLIC_SUPABASE_URL.');
type RequestLog = { total: number; byRoute: Record<string, number> };
const gatewayRoutes = async () =>
	((await (await fetch(`${target.env.PUBLIC_SUPABASE_URL}/_local/requests`)).json()) as RequestLog).byRoute;
const countWhere = async (match: (route: string) => boolean) =>
	Object.entries(await gatewayRoutes())
		.filter(([route]) => match(route))
		.reduce((sum, [, count]) => sum + count, 0);
const databaseRequests = () => countWhere((route) => route.includes(' /rest/v1/'));
const progressWrites = () => countWhere((route) => route.endsWith('/rest/v1/rpc/write_reply_progress'));

const fake = await startFakeProvider({ tokenDelayMs: 5 });
console.log('building the worker…');
const worker = await startWorker(port, target.env, { url: fake.url, id: 'fake-model' });
const base = worker.base;

try {
	const { request } = cookieClient(base);
	const email = `bench-replies-${Date.now()}@example.com`;
	await (await request('/login?/signup', form({ email, password: 'bench-password-1', redirectTo: '/chat' }))).text();

	// 1. Writes per reply of 1,000 tokens.
	const words = Array.from({ length: TOKENS }, (_, index) => `t${index}`).join(' ');
	fake.sayNext(words);
	const [writesBefore, databaseBefore] = [await progressWrites(), await databaseRequests()];
	const started = Date.now();
	const firstMessageId = crypto.randomUUID();
	const first = await request('/api/chat', stream({ messageId: firstMessageId, content: 'A long one' }));
	const firstText = await first.text();
	const seconds = (Date.now() - started) / 1000;
	const sessionId = (JSON.parse(firstText.split('\n')[0]) as { sessionId: string }).sessionId;
	const writes = (await progressWrites()) - writesBefore;
	const database = (await databaseRequests()) - databaseBefore;
	console.log(`\nA reply of ${TOKENS} tokens, streamed in ${seconds.toFixed(1)} s:`);
	console.log(`  progress writes           ${writes}  (one per token would be ${TOKENS})`);
	console.log(`  database requests, all    ${database}  (post_message, progress writes, final write, title)`);

	// 2. Resume latency: a reply is being written; a second client asks to follow it.
	const latencies: number[] = [];
	for (let round = 0; round < rounds; round++) {
		fake.sayNext(Array.from({ length: 60 }, (_, index) => `w${index}`).join(' '));
		const writing = request(
			'/api/chat',
			stream({ messageId: crypto.randomUUID(), content: `Round ${round}`, sessionId })
		);
		const response = await writing;
		const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
		const { value } = await reader.read();
		const replyId = (JSON.parse(value!.split('\n')[0]) as { replyId: string }).replyId;
		await new Promise((resolve) => setTimeout(resolve, 100));
		const asked = performance.now();
		const follow = await request(`/api/chat/replies/${replyId}`);
		const followed = follow.body!.pipeThrough(new TextDecoderStream()).getReader();
		let shown = 0;
		let firstNew: number | undefined;
		for (let buffered = ''; firstNew === undefined;) {
			const chunk = await followed.read();
			if (chunk.done) break;
			buffered += chunk.value;
			for (const line of buffered.split('\n').slice(0, -1)) {
				const event = JSON.parse(line) as { type: string; text?: string };
				if (event.type !== 'delta') continue;
				// The first delta is what was written before; the next one is new text.
				if (shown++ === 1) firstNew = performance.now();
			}
			buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
		}
		await followed.cancel();
		while (!(await reader.read()).done);
		if (firstNew !== undefined) latencies.push(firstNew - asked);
	}
	console.log(`\nResume: asking to follow until the first new text (n=${latencies.length})`);
	console.log(`  p50 ${median(latencies).toFixed(0)} ms   p95 ${percentile(latencies, 95).toFixed(0)} ms`);

	// 3. Round trips for Stop.
	fake.sayNext(Array.from({ length: 200 }, (_, index) => `s${index}`).join(' '));
	const long = await request('/api/chat', stream({ messageId: crypto.randomUUID(), content: 'Stop me', sessionId }));
	const longReader = long.body!.pipeThrough(new TextDecoderStream()).getReader();
	const { value: head } = await longReader.read();
	const replyId = (JSON.parse(head!.split('\n')[0]) as { replyId: string }).replyId;
	// The writer's own progress and final writes go on meanwhile; they are not the stop's.
	const notWriter = (route: string) =>
		route.includes(' /rest/v1/') &&
		!route.endsWith('/rpc/write_reply_progress') &&
		!route.endsWith('/rpc/finish_reply');
	const stopBefore = await countWhere(notWriter);
	const stopped = await request(`/api/chat/replies/${replyId}/stop`, { method: 'POST' });
	await stopped.text();
	const stopTrips = (await countWhere(notWriter)) - stopBefore;
	while (!(await longReader.read()).done);
	console.log(
		`\nStop: ${stopTrips} database round trip for the request (${stopped.status}); the writer ends at its next progress write`
	);

	// 4. Round trips for the message tree's actions, the writer's own writes (and the title) aside.
	const { replyId: firstReplyId } = JSON.parse(firstText.split('\n')[0]) as { replyId: string };
	const tripsOf = async (run: () => Promise<Response>) => {
		const before = await countWhere((route) => notWriter(route) && !route.endsWith('/rpc/set_reply_title'));
		const response = await run();
		await response.text();
		const trips = (await countWhere((route) => notWriter(route) && !route.endsWith('/rpc/set_reply_title'))) - before;
		return `${trips} (${response.status})`;
	};
	fake.sayNext('Another answer');
	const regenerate = await tripsOf(() => request('/api/chat', stream({ regenerate: firstReplyId })));
	fake.sayNext('An answer to the edit');
	const edit = await tripsOf(() =>
		request('/api/chat', stream({ messageId: crypto.randomUUID(), sourceId: firstMessageId, content: 'A short one' }))
	);
	const version = await tripsOf(() => request(`/chat/${sessionId}?/version`, form({ messageId: firstMessageId })));
	const view = await tripsOf(() => request(`/chat/${sessionId}`));
	console.log('\nThe message tree, database round trips per request (the writer’s writes aside):');
	console.log(`  Regenerate        ${regenerate}  (regenerate_reply)`);
	console.log(`  Save and send     ${edit}  (edit_message)`);
	console.log(`  Previous version  ${version}  (select_version; then the redirect's page view)`);
	console.log(`  the page view     ${view}  (get_chat: the active path with its versions; the chat list)`);

	// 5. Followers: a reply of about ten seconds, followed to its end by three other clients.
	const FOLLOWERS = 3;
	fake.sayNext(Array.from({ length: 100 }, (_, index) => `f${index}`).join(' '), 100);
	const followedReply = await request(
		'/api/chat',
		stream({ messageId: crypto.randomUUID(), content: 'Follow me', sessionId })
	);
	const followedReader = followedReply.body!.pipeThrough(new TextDecoderStream()).getReader();
	const { value: followedHead } = await followedReader.read();
	const followedId = (JSON.parse(followedHead!.split('\n')[0]) as { replyId: string }).replyId;
	const followBefore = await countWhere(notWriter);
	const followStarted = performance.now();
	const sources = await Promise.all(
		Array.from({ length: FOLLOWERS }, async () => {
			const response = await request(`/api/chat/replies/${followedId}`);
			await response.text();
			return response.headers.get('x-reply-follow');
		})
	);
	const followMinutes = ((performance.now() - followStarted) / 60_000) * FOLLOWERS;
	const followReads = (await countWhere(notWriter)) - followBefore;
	while (!(await followedReader.read()).done);
	console.log(
		`\nFollowers: ${FOLLOWERS} followed a reply for ${((followMinutes / FOLLOWERS) * 60).toFixed(1)} s each, from ${[...new Set(sources)].join(', ')}`
	);
	console.log(
		`  database reads per follower-minute  ${(followReads / followMinutes).toFixed(0)}  (${followReads} in all)`
	);
} finally {
	worker.stop();
	await fake.close();
	if (target.started) await stopStack(projectRoot);
}
