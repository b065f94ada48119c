// A pass-through proxy in front of the Supabase gateway that can take the database away: while
// it is "down", every /rest/v1 request has its connection reset, as a dead PostgREST does, and
// auth requests pass. The app under test talks to Supabase through it.
//   POST /_control/database {"down": true|false}
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startFaultProxy(options: { upstream: string; port?: number }) {
	const upstream = new URL(options.upstream);
	let databaseDown = false;

	const server: Server = createServer((req, res) => {
		const path = req.url ?? '/';
		if (path.startsWith('/_control/database') && req.method === 'POST') {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				databaseDown = Boolean((JSON.parse(Buffer.concat(chunks).toString() || '{}') as { down?: boolean }).down);
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ databaseDown }));
			});
			return;
		}
		if (databaseDown && path.startsWith('/rest/v1')) return void req.socket.destroy();
		const headers = { ...req.headers, host: upstream.host };
		delete headers.connection;
		const forward = httpRequest(
			{ host: upstream.hostname, port: upstream.port, method: req.method, path, headers },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			}
		);
		forward.on('error', () => req.socket.destroy());
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
