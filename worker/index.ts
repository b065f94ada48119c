// The Worker's entry (wrangler.toml's main): SvelteKit's worker as built by adapter-cloudflare,
// and the Durable Object that writes replies (src/lib/server/chat/reply-writer.ts).
import { DurableObject } from 'cloudflare:workers';
import app from 'parley:sveltekit-worker';
import { malformedRequest } from './malformed-request';

export default {
	fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> | Response {
		return malformedRequest(request.url) ?? app.fetch(request, env, ctx);
	}
};

/**
 * One reply being written. The object runs the app's own writer (the /internal/reply-writer
 * route, reached in-process, never over the network) with the turn it was given, and streams
 * the events back. If the browser, and with it this request, goes away, the writer's pending
 * work (the model's stream, the database writes, waitUntil) keeps the object running to the end:
 * Durable Objects stay alive for pending I/O without a connected client (compatibility dates from
 * 2026-10-01 on).
 */
export class ReplyWriter extends DurableObject<Record<string, unknown>> {
	async fetch(request: Request): Promise<Response> {
		const turn: unknown = await request.json();
		const internal = new URL('/internal/reply-writer', request.url);
		return app.fetch(
			new Request(internal, { method: 'POST', headers: { origin: internal.origin } }),
			// The turn travels in env, where only this object can put it.
			{ ...this.env, PARLEY_REPLY_TURN: turn },
			{
				waitUntil: (promise: Promise<unknown>) => this.ctx.waitUntil(promise),
				passThroughOnException: () => {}
			}
		);
	}
}
