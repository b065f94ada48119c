// The Worker's entry (wrangler.toml's main): SvelteKit's server, as adapter-cloudflare builds
// it, and the Durable Object that writes replies (src/lib/server/chat/reply-writer.ts).
//
// The adapter's own worker (.svelte-kit/cloudflare/_worker.js) is not the entry, only its build:
// around the same `server.respond` it looks every request up in the Cache API, parses and decodes
// its URL to route static files and prerendered pages, and offers responses with a public
// Cache-Control to the cache. Parley has no use for any of it:
// - static files, the app's immutable chunks and version.json are static assets, which Cloudflare
//   serves before the Worker runs, and nothing is prerendered;
// - no response of Parley's has a public Cache-Control (its pages are each person's own), so a
//   lookup could only miss, or serve one person's page to another.
// Without it, bench:cpu-split measured 0 to 0.8 ms less CPU a request, inside this machine's
// noise: it is left out as work done for nothing, not for a measured gain.
import { DurableObject, env } from 'cloudflare:workers';
import { Server } from 'parley:sveltekit-server';
import { manifest } from 'parley:sveltekit-manifest';
import { _stopReply as stopReply, _writeReply as writeReply } from 'parley:reply-writer';
import { ReplyLogs } from './event-log';
import { malformedRequest } from './malformed-request';

const server = new Server(manifest);
// Known from the first request: the origin `read` (from $app/server) fetches static assets at.
let origin: string | undefined;
const initialized = server.init({
	env: env as Record<string, string>,
	read: async (file) => {
		const response = await (env as { ASSETS: Fetcher }).ASSETS.fetch(`${origin}/${file}`);
		if (!response.ok) throw new Error(`read(${file}) failed: ${response.status} ${response.statusText}`);
		return response.body!;
	}
});

export default {
	async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
		const malformed = malformedRequest(request.url);
		if (malformed) return malformed;
		origin ??= new URL(request.url).origin;
		await initialized;
		return server.respond(request, {
			platform: { env, ctx, caches: caches as App.Platform['caches'] },
			getClientAddress: () => request.headers.get('cf-connecting-ip') ?? ''
		});
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
