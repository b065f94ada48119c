// A pass-through proxy in front of the Supabase gateway, which the app under test talks to. It can
// take the database away: while it is "down", /rest/v1 requests have their connection reset, as a
// dead PostgREST does, and auth requests pass. And it notes whom each auth request was about, and
// whose token each database request carried, so a test can count the requests made for its own
// person while others run at once.
//   POST /_control/database {"down": true|false, "user": "<uuid>"}
//     With a user, only requests made with that person's token lose the database; without one,
//     everyone's do.
//   GET /_control/auth-requests?user=<uuid>&email=<address>
//     The /auth/v1 requests that named that person: by their token, the address in the body, or
//     the user the answer was about ({method, path} each, oldest first).
//   GET /_control/database-requests?user=<uuid>
//     The /rest/v1 requests made with that person's token ({method, path, retry}, oldest first),
//     those whose connection was reset while the database was down included; `retry` is
//     postgrest-js's X-Retry-Count, on the retries it sends.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface AuthRequest {
	method: string;
	path: string;
	/** User ids and email addresses the request or its answer named. */
	about: string[];
}

/** The `sub` of a bearer JWT, read without checking it: this is a test's proxy, not a gate. */
function tokenSubject(authorization: string | undefined): string {
	const payload = authorization?.split('.')[1];
	if (!payload) return '';
	try {
		return String((JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub ?? '');
	} catch {
		return '';
	}
}

/** The user ids and addresses in a JSON body: a session's user, a user, or a form's email. */
function named(body: Buffer): string[] {
	try {
		const value = JSON.parse(body.toString('utf8')) as Record<string, unknown> | null;
		const user = (value?.user ?? value) as Record<string, unknown> | null;
		return [user?.id, user?.email, value?.email].filter((entry): entry is string => typeof entry === 'string');
	} catch {
		return [];
	}
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

function readBody(stream: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => resolve(Buffer.concat(chunks)));
	});
}

export async function startFaultProxy(options: { upstream: string; port?: number }) {
	const upstream = new URL(options.upstream);
	let everyoneDown = false;
	const usersDown = new Set<string>();
	const authRequests: AuthRequest[] = [];
	const databaseRequests: { method: string; path: string; user: string; retry?: string }[] = [];

	const server: Server = createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://proxy');
		const path = req.url ?? '/';
		if (url.pathname === '/_control/database' && req.method === 'POST') {
			const { down, user } = JSON.parse((await readBody(req)).toString() || '{}') as { down?: boolean; user?: string };
			if (!user) everyoneDown = Boolean(down);
			else if (down) usersDown.add(user);
			else usersDown.delete(user);
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ everyoneDown, user, down }));
			return;
		}
		if (url.pathname === '/_control/auth-requests') {
			const wanted = [url.searchParams.get('user'), url.searchParams.get('email')].filter(Boolean);
			const found = authRequests
				.filter((entry) => entry.about.some((about) => wanted.includes(about)))
				.map(({ method, path: route }) => ({ method, path: route }));
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
			return;
		}
		if (url.pathname === '/_control/database-requests') {
			const user = url.searchParams.get('user');
			const found = databaseRequests
				.filter((entry) => entry.user === user)
				.map(({ method, path: route, retry }) => ({ method, path: route, retry }));
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
			return;
		}
		const subject = tokenSubject(req.headers.authorization);
		const isDatabase = url.pathname.startsWith('/rest/v1');
		const down = everyoneDown || (usersDown.size > 0 && usersDown.has(subject));
		if (isDatabase && subject) {
			databaseRequests.push({
				method: req.method ?? 'GET',
				path: url.pathname.slice('/rest/v1'.length),
				user: subject,
				// postgrest-js numbers the retries it sends (Node joins a repeated header into one string).
				retry: req.headers['x-retry-count'] as string | undefined
			});
			if (databaseRequests.length > 20_000) databaseRequests.splice(0, 10_000);
		}
		if (down && isDatabase) return void req.socket.destroy();

		const isAuth = url.pathname.startsWith('/auth/v1');
		const body = isAuth ? await readBody(req) : undefined;
		const headers = { ...req.headers, host: upstream.host };
		delete headers.connection;
		const forward = httpRequest(
			{ host: upstream.hostname, port: upstream.port, method: req.method, path, headers },
			(answer) => {
				// Hop-by-hop headers stay on their hop. The gateway's `keep-alive: timeout=65`, passed on,
				// told the app's fetch to keep idle sockets to this proxy longer than this proxy kept them,
				// and a request sent on one this proxy was closing failed ("fetch failed").
				const answerHeaders = { ...answer.headers };
				for (const name of HOP_BY_HOP) delete answerHeaders[name];
				res.writeHead(answer.statusCode ?? 502, answerHeaders);
				if (!isAuth) return void answer.pipe(res);
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => {
					chunks.push(chunk);
					res.write(chunk);
				});
				answer.on('end', () => {
					res.end();
					const about = [subject, ...named(body!), ...named(Buffer.concat(chunks))].filter(Boolean);
					authRequests.push({ method: req.method ?? 'GET', path: url.pathname.slice('/auth/v1'.length), about });
					if (authRequests.length > 20_000) authRequests.splice(0, 10_000);
				});
			}
		);
		forward.on('error', () => req.socket.destroy());
		if (body) forward.end(body);
		else req.pipe(forward);
	});
	// As long as the gateway behind it: a client never finds this hop closing sooner than that one.
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
