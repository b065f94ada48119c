// The Worker's entry (wrangler.toml's main): SvelteKit's worker as built by adapter-cloudflare,
// and the Durable Object that writes replies (src/lib/server/chat/reply-writer.ts).
import { DurableObject } from 'cloudflare:workers';
import app from 'parley:sveltekit-worker';
import { EventLog } from './event-log';
import { malformedRequest } from './malformed-request';

/**
 * adapter-cloudflare looks every request up in the Cache API before SvelteKit sees it, unless the
 * request says `cache-control: no-cache`. Parley never gives a response a public Cache-Control
 * (its pages are each person's own, and its public files are static assets, served before the
 * Worker runs), so the lookup can only miss: a trip to the cache on every request for nothing,
 * and one that could only ever serve a page to the wrong person. Saying no-cache skips it.
 */
function skippingCacheLookup(request: Request): Request {
	const headers = new Headers(request.headers);
	headers.set('cache-control', 'no-cache');
	return new Request(request, { headers });
}

export default {
	fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> | Response {
		return malformedRequest(request.url) ?? app.fetch(skippingCacheLookup(request), env, ctx);
	}
};

/**
 * One reply being written. The object runs the app's own writer (the /internal/reply-writer
 * route, reached in-process, never over the network) with the turn it was given, and streams the
 * events back, to the tab that asked and to any follower (event-log.ts). If the browser, and with
 * it this request, goes away, the writer's pending work (the model's stream, the database writes,
 * waitUntil) keeps the object running to the end: Durable Objects stay alive for pending I/O
 * without a connected client (compatibility dates from 2026-10-01 on).
 */
export class ReplyWriter extends DurableObject<Record<string, unknown>> {
	/** The reply's events, for followers; none until a writer has run in this object. */
	private log: EventLog | null = null;

	async fetch(request: Request): Promise<Response> {
		// A follower (already allowed by the app: the reply is theirs) reads the events from here.
		if (request.method === 'GET') {
			return this.log
				? new Response(this.log.reader(), { headers: { 'content-type': 'application/x-ndjson' } })
				: new Response(null, { status: 404 });
		}
		const turn: unknown = await request.json();
		const internal = new URL('/internal/reply-writer', request.url);
		const response = await app.fetch(
			new Request(internal, { method: 'POST', headers: { origin: internal.origin, 'cache-control': 'no-cache' } }),
			// The turn travels in env, where only this object can put it.
			{ ...this.env, PARLEY_REPLY_TURN: turn },
			{
				waitUntil: (promise: Promise<unknown>) => this.ctx.waitUntil(promise),
				passThroughOnException: () => {}
			}
		);
		if (!response.ok || !response.body) return response;
		// A retry of the same reply starts a new log.
		const log = new EventLog();
		this.log = log;
		this.ctx.waitUntil(log.relay(response.body));
		return new Response(log.reader(), { status: response.status, headers: response.headers });
	}
}
