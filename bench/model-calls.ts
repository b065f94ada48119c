// CPU of the AI SDK per streamed reply, through the app's own models (src/lib/server/ai/providers.ts):
// - a single model call (ai/model-call.ts), as a reply without tools and a title are asked for;
// - streamText, as a reply that can call tools is;
// - a single call with a model built for the call, as each reply built it before.
// The model's server is answered in-process (an OpenAI-compatible stream, each word an event of
// its own, as a model sends them), so the figure is the SDK's work and the app's, with no network.
// Node runs the same SDK the Worker does.
// Usage: npm run bench:model-calls [-- replies]
import { streamText } from 'ai';
import { streamModelCall } from '../src/lib/server/ai/model-call.ts';
import { languageModel } from '../src/lib/server/ai/providers.ts';
import type { ModelConfig } from '../src/lib/server/ai/models-config.ts';

const replies = Number(process.argv[2] ?? 1000);
const BASE_URL = 'http://model.invalid/v1';

function completionEvents(words: string[]): string[] {
	const chunk = (delta: object, finish: string | null = null) =>
		`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
	return [
		chunk({ role: 'assistant', content: '' }),
		...words.map((word) => chunk({ content: word })),
		chunk({}, 'stop'),
		'data: [DONE]\n\n'
	];
}

let answer: Uint8Array[] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
	if (!String(input instanceof Request ? input.url : input).startsWith(BASE_URL)) return realFetch(input, init);
	let next = 0;
	const body = new ReadableStream<Uint8Array>({
		pull: (controller) => (next < answer.length ? controller.enqueue(answer[next++]) : controller.close())
	});
	return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
};

const config: ModelConfig = {
	id: 'bench',
	provider: 'openai-compatible',
	model: 'bench',
	label: 'Bench',
	baseURL: BASE_URL,
	apiKey: 'bench-key',
	contextTokens: 8192,
	maxOutputTokens: 1024
};

type Way = 'one call' | 'streamText' | 'one call, model built';
const ways: Way[] = ['one call', 'streamText', 'one call, model built'];

/** Models built so far for a reply alone: each gets a key of its own. */
let built = 0;

async function reply(way: Way): Promise<string> {
	// Another key is another model: built for this call alone.
	const model = languageModel(way === 'one call, model built' ? { ...config, apiKey: `bench-key-${built++}` } : config);
	const messages = [{ role: 'user' as const, content: 'Hello' }];
	const parts =
		way === 'streamText'
			? streamText({ model, messages, maxRetries: 0, onError: () => {} }).fullStream
			: await streamModelCall({ model, messages, maxOutputTokens: 1024, abortSignal: new AbortController().signal });
	let text = '';
	for await (const part of parts) if (part.type === 'text-delta') text += part.text;
	return text;
}

/** CPU ms per reply (user + system of this process). */
async function cpuPerReply(way: Way): Promise<number> {
	const before = process.cpuUsage();
	for (let n = 0; n < replies; n++) await reply(way);
	const spent = process.cpuUsage(before);
	return (spent.user + spent.system) / 1000 / replies;
}

// The ways take turns, three rounds each after one to warm up, so that the JIT and the heap
// settle on all alike; each round is printed.
console.log(`CPU per streamed reply, ms (${replies} replies a round; Node ${process.version})\n`);
console.log(`  words   ${ways.map((way) => way.padEnd(22)).join('')}`);
const encoder = new TextEncoder();
for (const words of [3, 100]) {
	const text = Array.from({ length: words }, (_, index) => `word${index} `);
	answer = completionEvents(text).map((event) => encoder.encode(event));
	for (const way of ways) {
		if ((await reply(way)) !== text.join('')) throw new Error(`the reply did not come through whole (${way})`);
		await cpuPerReply(way);
	}
	const figures = new Map<Way, number[]>(ways.map((way) => [way, []]));
	for (let round = 0; round < 3; round++) for (const way of ways) figures.get(way)!.push(await cpuPerReply(way));
	const row = (way: Way) =>
		figures
			.get(way)!
			.map((ms) => ms.toFixed(2))
			.join(' ')
			.padEnd(22);
	console.log(`  ${String(words).padStart(5)}   ${ways.map(row).join('')}`);
}
