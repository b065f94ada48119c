// The Worker's entry (wrangler.toml's main): SvelteKit's worker as built by adapter-cloudflare,
// and the Durable Object that writes replies (src/lib/server/chat/reply-writer.ts).
import { DurableObject } from 'cloudflare:workers';
import app from 'parley:sveltekit-worker';
import { _stopReply as stopReply, _writeReply as writeReply } from 'parley:reply-writer';
import { ReplyLogs } from './event-log';
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
 * The replies of one person, each written as it is asked for. The object calls the app's own
 * writer (exported by the /internal/reply-writer route's module, called in-process, never over
 * the network) with the turn it was given, and streams the events back, to the tab that asked
 * and to any follower (event-log.ts). If the browser, and with it this call, goes away, the
 * writer's pending work (the model's stream, the database writes, waitUntil) keeps the object
 * running to the end: Durable Objects stay alive for pending I/O without a connected client
 * (compatibility dates from 2026-10-01 on).
 */
export class ReplyWriter extends DurableObject<Record<string, unknown>> {
	private readonly logs = new ReplyLogs();

	/** A follower's stream of a reply's events (the app has checked that the reply is theirs); null if none is held here. */
	follow(replyId: string): ReadableStream<Uint8Array> | null {
		return this.logs.reader(replyId);
	}

	/** Stops the reply if this object is writing it; the app has recorded the stop, under RLS. */
	stop(replyId: string): boolean {
		return stopReply(replyId);
	}

	/** Writes the reply of the turn given, and returns its events; throws if the writer refused it. */
	async write(replyId: string, turn: unknown): Promise<ReadableStream<Uint8Array>> {
		const events = await writeReply(turn, {
			env: this.env,
			ctx: { waitUntil: (promise: Promise<unknown>) => this.ctx.waitUntil(promise), passThroughOnException: () => {} },
			caches
		});
		const { log, relayed } = this.logs.start(replyId, events);
		this.ctx.waitUntil(relayed);
		return log.reader();
	}
}
