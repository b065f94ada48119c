// CPU of the AI SDK per streamed reply, through the app's own models (src/lib/server/ai/providers.ts):
// a model kept by the isolate, next to one built for the call, as each reply built it before.
// The model's server is answered in-process (an OpenAI-compatible stream of the reply's words), so
// the figure is the SDK's work and the app's, with no network. Node runs the same SDK the Worker does.
// Usage: npm run bench:model-calls [-- replies]
import { streamText } from 'ai';
import { languageModel } from '../src/lib/server/ai/providers.ts';
import type { ModelConfig } from '../src/lib/server/ai/models-config.ts';

const replies = Number(process.argv[2] ?? 1000);
const BASE_URL = 'http://model.invalid/v1';

function completionStream(words: string[]): string {
	const chunk = (delta: object, finish: string | null = null) =>
		`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
	return [
		chunk({ role: 'assistant', content: '' }),
		...words.map((word) => chunk({ content: word })),
		chunk({}, 'stop')
	]
		.concat('data: [DONE]\n\n')
		.join('');
}

let answer = '';
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) =>
	String(input instanceof Request ? input.url : input).startsWith(BASE_URL)
		? new Response(answer, { headers: { 'content-type': 'text/event-stream' } })
		: realFetch(input, init);

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

async function reply(fresh: number | null): Promise<string> {
	// Another key is another model: built for this call alone.
	const model = languageModel(fresh === null ? config : { ...config, apiKey: `bench-key-${fresh}` });
	const result = streamText({
		model,
		messages: [{ role: 'user', content: 'Hello' }],
		maxRetries: 0,
		onError: () => {}
	});
	let text = '';
	for await (const part of result.fullStream) if (part.type === 'text-delta') text += part.text;
	return text;
}

/** Models built so far for a reply alone: each gets a key of its own. */
let built = 0;

/** CPU ms per reply (user + system of this process). */
async function cpuPerReply(fresh: boolean): Promise<number> {
	const before = process.cpuUsage();
	for (let n = 0; n < replies; n++) await reply(fresh ? built++ : null);
	const spent = process.cpuUsage(before);
	return (spent.user + spent.system) / 1000 / replies;
}

// The two take turns, three rounds each after one to warm up, so that the JIT and the heap
// settle on both alike; each round is printed.
console.log(`CPU per streamed reply, ms (${replies} replies a round; Node ${process.version})\n`);
console.log('  words   model kept          model built per reply');
for (const words of [3, 100]) {
	const text = Array.from({ length: words }, (_, index) => `word${index} `);
	answer = completionStream(text);
	if ((await reply(null)) !== text.join('')) throw new Error('the reply did not come through whole');
	await cpuPerReply(false);
	await cpuPerReply(true);
	const kept: number[] = [];
	const fresh: number[] = [];
	for (let round = 0; round < 3; round++) {
		kept.push(await cpuPerReply(false));
		fresh.push(await cpuPerReply(true));
	}
	const row = (figures: number[]) => figures.map((ms) => ms.toFixed(2)).join(' ');
	console.log(`  ${String(words).padStart(5)}   ${row(kept).padEnd(18)}  ${row(fresh)}`);
}
