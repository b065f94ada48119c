// The floor for the benches: a worker that does no work, run by the same wrangler dev. At / it
// answers "ok", or with ?bytes=n, n bytes of HTML, as a page that reads nothing would. At /fetch
// (when FETCH_URL is set) it makes one request there and answers with its body: what a
// subrequest alone costs workerd (bench/cpu-split.ts); with ?bytes=n, it answers n bytes of HTML,
// as a page would. At /message (when MODEL_URL is set too) it does a sent message's I/O and
// nothing else: it reads the posted JSON, makes one request as the message's write, and hands the
// turn to a Durable Object, which asks the model for a streamed reply, relays its bytes as they
// come, and makes one more request as the reply's final write.
import { DurableObject } from 'cloudflare:workers';

const read = (env) => fetch(env.FETCH_URL, { headers: { apikey: env.FETCH_APIKEY ?? '' } }).then((r) => r.text());

export class Relay extends DurableObject {
	async write(content) {
		const model = await fetch(`${this.env.MODEL_URL}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer none' },
			body: JSON.stringify({ model: 'fake-model', stream: true, messages: [{ role: 'user', content }] })
		});
		const { readable, writable } = new TransformStream();
		this.ctx.waitUntil(
			model.body
				.pipeTo(writable, { preventClose: true })
				.then(() => read(this.env))
				.then(() => writable.close())
		);
		return readable;
	}
}

export default {
	async fetch(request, env) {
		const { pathname, searchParams } = new URL(request.url);
		if (env.FETCH_URL && pathname === '/fetch') {
			// ?bytes=n answers as many bytes of HTML as a page of n bytes: what relaying it costs.
			const body = await read(env);
			const bytes = Number(searchParams.get('bytes') ?? 0);
			if (!bytes) return new Response(body);
			return new Response(body + ' '.repeat(Math.max(0, bytes - body.length)), {
				headers: { 'content-type': 'text/html; charset=utf-8' }
			});
		}
		if (env.FETCH_URL && env.MODEL_URL && pathname === '/message' && request.method === 'POST') {
			const { content } = await request.json();
			await read(env);
			const relay = env.RELAY.get(env.RELAY.idFromName('bench'));
			return new Response(await relay.write(content), { headers: { 'content-type': 'text/event-stream' } });
		}
		const bytes = Number(searchParams.get('bytes') ?? 0);
		if (bytes) return new Response(' '.repeat(bytes), { headers: { 'content-type': 'text/html; charset=utf-8' } });
		return new Response('ok');
	}
};
