// The CPU per request of the app's own server code, in Node: the production build's SvelteKit
// server (.svelte-kit/output/server) answering in this process, with the hooks, loads, database
// reads and rendering the Worker runs, and without workerd and wrangler dev around it. Under
// those, a request's CPU also counts their proxies and I/O (bench:cpu-split), and the machine's
// drift hides a change smaller than a millisecond or so; here builds are told apart by a tenth
// of that. `--against=<checkout>` builds another checkout (with its own node_modules) and runs
// its server beside this one in the same process, the two taking turns 20 requests at a time.
// Node is not workerd: read the differences between builds, and the bytes, not the totals.
// Usage: npm run bench:ssr [-- requests] [--against=<checkout>]...   (default 400 per row)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import { stopStack } from '../local-supabase/stack.ts';
import { appEnv, projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import { seedChat } from '../tests/support/seed-chat.ts';
import { buildApp, cookieClient, form } from './support.ts';

const args = process.argv.slice(2);
const roots = [
	projectRoot,
	...args.filter((arg) => arg.startsWith('--against=')).map((arg) => path.resolve(arg.slice('--against='.length)))
];
const requests = Number(args.find((arg) => !arg.startsWith('--')) ?? 400);
const batch = 20;
const ORIGIN = 'http://127.0.0.1:5999';

interface BuiltServer {
	respond(request: Request, options: { getClientAddress(): string }): Promise<Response>;
}

const target = await resolveSupabase();
const admin = createClient(target.env.PUBLIC_SUPABASE_URL, target.env.SUPABASE_SERVICE_ROLE_KEY, {
	auth: { persistSession: false }
});
// No model is called: nothing here sends a message.
const env = { ...appEnv(target.env), AI_BASE_URL: 'http://127.0.0.1:9/v1', AI_MODEL: 'none' };

async function startServer(root: string): Promise<BuiltServer> {
	console.log(`building ${root}…`);
	buildApp(root);
	const output = path.join(root, '.svelte-kit', 'output', 'server');
	const { Server } = await import(pathToFileURL(path.join(output, 'index.js')).href);
	const { manifest } = await import(pathToFileURL(path.join(output, 'manifest.js')).href);
	const server = new Server(manifest);
	await server.init({ env, read: () => new ReadableStream() });
	return server;
}

/** A visitor of one server, keeping their cookies as a browser would. */
const visitor = (server: BuiltServer) =>
	cookieClient(ORIGIN, (url, init) => server.respond(new Request(url, init), { getClientAddress: () => '127.0.0.1' }))
		.request;

type Go = () => Promise<Response>;

/** Someone signed up on this server, with a chat of ten messages among `chats` chats; their rows. */
async function rowsFor(server: BuiltServer, chats: number, label: string): Promise<Map<string, Go>> {
	const request = visitor(server);
	const email = `bench-ssr-${label}-${Date.now()}@example.com`;
	await (await request('/login?/signup', form({ email, password: 'bench-password-1', redirectTo: '/chat' }))).text();
	const { data } = await admin.auth.admin.listUsers({ perPage: 1000 });
	const userId = data.users.find((user) => user.email === email)?.id;
	if (!userId) throw new Error('the bench user was not created');
	for (let n = 1; n < chats; n++) await seedChat(admin, userId, `Chat number ${n}`, ['Hello?', 'Hi.']);
	const chat = await seedChat(
		admin,
		userId,
		'Ten messages',
		Array.from({ length: 10 }, (_, n) => (n % 2 ? `Answer ${n}, with **bold** and \`code\`.` : `Question ${n}?`))
	);
	return new Map<string, Go>([
		['signed out: the sign-in page', () => visitor(server)('/login')],
		['signed in: JSON, no database read', () => request(`/chat/${chat}/tools`)],
		['signed in: JSON after one read', () => request(`/api/chat/replies/${crypto.randomUUID()}`)],
		['signed in: a new chat', () => request('/chat')],
		['signed in: a chat’s data', () => request(`/chat/${chat}/__data.json`)],
		['signed in: a chat of 10 messages', () => request(`/chat/${chat}`)]
	]);
}

const cpuMs = () => {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
};

try {
	const servers: BuiltServer[] = [];
	for (const root of roots) servers.push(await startServer(root));
	const sides = await Promise.all(
		servers.map(async (server, index) => ({
			few: await rowsFor(server, 1, `${index}-few`),
			many: await rowsFor(server, 50, `${index}-many`)
		}))
	);
	const rows: [string, Go[]][] = [
		...[...sides[0].few.keys()].map((label): [string, Go[]] => [label, sides.map((side) => side.few.get(label)!)]),
		['  the same, with 50 chats listed', sides.map((side) => side.many.get('signed in: a chat of 10 messages')!)]
	];
	console.log(`\nNode CPU per request, ms (${requests} requests a row), and the response's bytes:`);
	if (roots.length > 1)
		console.log(`  ${''.padEnd(36)} ${roots.map((root) => path.basename(root).padStart(20)).join('')}`);
	for (const [label, gos] of rows) {
		const bytes: number[] = [];
		for (const go of gos) {
			for (let warm = 0; warm < 20; warm++) await (await go()).arrayBuffer();
			bytes.push((await (await go()).arrayBuffer()).byteLength);
		}
		const spent = gos.map(() => 0);
		for (let done = 0; done < requests; done += batch) {
			for (const [index, go] of gos.entries()) {
				const before = cpuMs();
				for (let n = 0; n < batch; n++) await (await go()).arrayBuffer();
				spent[index] += cpuMs() - before;
			}
		}
		const perRequest = spent.map((ms) => ms / (Math.ceil(requests / batch) * batch));
		const cells = perRequest.map((ms, index) =>
			`${ms.toFixed(2)} ms ${String(bytes[index]).padStart(6)} B`.padStart(20)
		);
		console.log(`  ${label.padEnd(36)} ${cells.join('')}`);
	}
} finally {
	if (target.started) await stopStack(projectRoot);
}
