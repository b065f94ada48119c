// The API gateway on :54321, in the role Kong plays for `supabase start`: CORS, the apikey check,
// the Authorization header the services expect, and /auth/v1, /rest/v1 and /storage/v1 routed to
// their servers.
import { type IncomingMessage, type ServerResponse, request as httpRequest } from 'node:http';
import { isIP } from 'node:net';
import type { ApiKeys, SigningKey } from '../keys.ts';
import { verifyStackJwt } from '../keys.ts';

export interface GatewayOptions {
	/** The port the gateway listens on; requests must name it in Host. */
	port: number;
	apiKeys: ApiKeys;
	signingKeys: SigningKey[];
	jwtSecret: string;
	upstreams: { auth: number; rest: number; storage?: number };
}

interface Route {
	prefix: string;
	port: number;
}

// GoTrue's browser-facing routes, reached by redirects that carry no apikey. Only these exact
// paths are open: `/auth/v1/verify/admin/users` is the admin API behind the apikey check.
const OPEN_AUTH_PATHS = new Set(['/auth/v1/verify', '/auth/v1/callback', '/auth/v1/authorize']);
// Storage needs no apikey, as under the CLI's Kong: the storage server itself demands a valid JWT
// on every route but the ones that carry their own authority (signed URLs, public buckets), which
// browsers fetch without any key. A key that is sent must still be valid.
const KEY_OPTIONAL_PREFIX = '/storage/v1';

const API_KEY_ROLES = new Set(['anon', 'service_role', 'supabase_admin']);
const CORS_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT';
// Hop-by-hop headers never cross a proxy.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/**
 * Loopback only: an IP literal in 127.0.0.0/8 or ::1, or the name localhost, on any port (a local
 * reverse proxy or a counting proxy in front of the stack keeps its own port in Host). Any other
 * name is refused, so a web page whose own hostname was rebound to 127.0.0.1 (DNS rebinding)
 * cannot talk to the stack as if it were same-origin.
 */
export function isLoopbackHost(host: string | undefined): boolean {
	const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(host ?? '');
	if (!match) return false;
	const port = match[3];
	if (port !== undefined && Number(port) > 65535) return false;
	// The URL parser writes every spelling of ::1 the same way.
	if (match[1] !== undefined) return isIP(match[1]) === 6 && new URL(`http://[${match[1]}]`).hostname === '[::1]';
	const name = match[2].toLowerCase();
	return name === 'localhost' || (isIP(name) === 4 && name.startsWith('127.'));
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' });
	res.end(JSON.stringify(body));
}

export function createGateway(options: GatewayOptions) {
	const { apiKeys } = options;
	const routes: Route[] = [
		{ prefix: '/auth/v1', port: options.upstreams.auth },
		{ prefix: '/rest/v1', port: options.upstreams.rest },
		...(options.upstreams.storage ? [{ prefix: '/storage/v1', port: options.upstreams.storage }] : [])
	];
	// Verified JWT apikeys, until their exp: a key is never honoured past it.
	const verifiedKeys = new Map<string, number>();

	async function isValidApiKey(key: string): Promise<boolean> {
		if ([apiKeys.anon, apiKeys.serviceRole, apiKeys.publishable, apiKeys.secret].includes(key)) return true;
		if (key.split('.').length !== 3) return false;
		const cachedUntil = verifiedKeys.get(key);
		if (cachedUntil !== undefined && Date.now() < cachedUntil) return true;
		verifiedKeys.delete(key);
		const claims = await verifyStackJwt(key, options.signingKeys, options.jwtSecret).catch(() => undefined);
		if (!claims || !API_KEY_ROLES.has(String(claims.role))) return false;
		// Failures are not cached: they are cheap to repeat, and a cache of them could be flooded.
		const until = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY;
		if (verifiedKeys.size < 1000) verifiedKeys.set(key, until);
		return true;
	}

	/** The bearer the services see: a user's own JWT, else the JWT the apikey stands for. */
	function upstreamAuthorization(authorization: string | undefined, apikey: string): string {
		if (authorization && !authorization.startsWith('Bearer sb_')) return authorization;
		if (apikey === apiKeys.secret) return `Bearer ${apiKeys.serviceRole}`;
		if (apikey === apiKeys.publishable) return `Bearer ${apiKeys.anon}`;
		return `Bearer ${apikey}`;
	}

	// Every proxied request, by service, method and path: the benches count database round
	// trips (each PostgREST request is one) with it. Local only; Kong has no such route.
	const log: { total: number; byRoute: Record<string, number> } = { total: 0, byRoute: {} };

	return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (!isLoopbackHost(req.headers.host)) {
			return sendJson(res, 421, { message: 'This gateway answers only for loopback addresses and localhost' });
		}
		const url = new URL(req.url ?? '/', 'http://gateway');
		if (url.pathname === '/_local/requests') return sendJson(res, 200, log);
		const route = routes.find((r) => url.pathname === r.prefix || url.pathname.startsWith(`${r.prefix}/`));
		if (route && req.method !== 'OPTIONS') {
			const key = `${req.method} ${url.pathname}`;
			log.total += 1;
			log.byRoute[key] = (log.byRoute[key] ?? 0) + 1;
		}

		if (req.method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
			res.writeHead(200, {
				'access-control-allow-origin': '*',
				'access-control-allow-methods': CORS_METHODS,
				'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
				'content-length': '0'
			});
			res.end();
			return;
		}
		if (!route) return sendJson(res, 404, { message: 'no Route matched with those values' });

		const apikey = String(req.headers.apikey ?? url.searchParams.get('apikey') ?? '');
		const open = OPEN_AUTH_PATHS.has(url.pathname);
		if (!open && (apikey || route.prefix !== KEY_OPTIONAL_PREFIX)) {
			if (!apikey) {
				return sendJson(res, 401, {
					message: 'No API key found in request',
					hint: 'No `apikey` request header or url param was found.'
				});
			}
			if (!(await isValidApiKey(apikey))) {
				return sendJson(res, 401, {
					message: 'Invalid API key',
					hint: 'Double check your Supabase `anon` or `service_role` API key.'
				});
			}
		}

		const headers: Record<string, string | string[]> = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (value !== undefined && !HOP_BY_HOP.includes(name)) headers[name] = value;
		}
		// Sb-Forwarded-For names the client for the auth server's per-IP limits. As on the hosted
		// platform, only a caller holding the secret key may set it: from anyone else it would let
		// a caller choose a fresh bucket for every request.
		if (apikey !== apiKeys.secret) delete headers['sb-forwarded-for'];
		headers.host = `127.0.0.1:${route.port}`;
		headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
		headers['x-forwarded-host'] = req.headers.host ?? '';
		headers['x-forwarded-prefix'] = route.prefix;
		if (!open && apikey) headers.authorization = upstreamAuthorization(req.headers.authorization, apikey);
		// Transfer-Encoding is hop-by-hop, but its framing is not: a chunked body goes on chunked.
		// Node would otherwise write a DELETE's body unframed, and the upstream would read it as a
		// second, smuggled request.
		if (req.headers['transfer-encoding']) headers['transfer-encoding'] = 'chunked';

		const upstreamPath = url.pathname.slice(route.prefix.length) || '/';
		const upstream = httpRequest(
			{ host: '127.0.0.1', port: route.port, method: req.method, path: upstreamPath + url.search, headers },
			(upstreamRes) => {
				const responseHeaders: Record<string, unknown> = { ...upstreamRes.headers, 'access-control-allow-origin': '*' };
				for (const name of HOP_BY_HOP) delete responseHeaders[name];
				res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders as Record<string, string | string[]>);
				upstreamRes.pipe(res);
			}
		);
		upstream.on('error', () => {
			if (res.headersSent) return void res.destroy();
			sendJson(res, 502, { message: 'An invalid response was received from the upstream server' });
		});
		req.pipe(upstream);
	};
}
