// Render time per delta of a streamed reply of about 20,000 characters (paragraphs, lists, code
// blocks, a table), fed four characters at a time: rendering the whole text again on every delta,
// as the page did, next to the block-by-block renderer it uses now (src/lib/chat/streaming-markdown.ts).
// Node runs the same marked and js-xss the browser loads.
// Usage: npm run bench:render [-- characters-per-delta]
import { StreamingMarkdown } from '../src/lib/chat/streaming-markdown.ts';
import { renderMarkdown } from '../src/lib/markdown.ts';
import { percentile } from './support.ts';

const deltaSize = Number(process.argv[2] ?? 4);
const section = (index: number) =>
	[
		`## Part ${index}`,
		`Some prose with **bold**, _emphasis_, \`inline code\` and a [link](https://example.com/${index}). `.repeat(3),
		'- first point\n- second point, a little longer\n- third',
		'```ts\n' + `function part${index}(value: number): number {\n\treturn value * ${index};\n}\n`.repeat(3) + '```',
		'| column | value |\n| --- | --- |\n| a | 1 |\n| b | 2 |'
	].join('\n\n');
let reply = '';
for (let index = 1; reply.length < 20_000; index++) reply += `${section(index)}\n\n`;

function measure(label: string, renderAt: (text: string) => void) {
	const times: number[] = [];
	for (let end = deltaSize; end < reply.length + deltaSize; end += deltaSize) {
		const started = performance.now();
		renderAt(reply.slice(0, end));
		times.push(performance.now() - started);
	}
	const total = times.reduce((sum, time) => sum + time, 0);
	console.log(
		`${label.padEnd(28)} per delta: mean ${(total / times.length).toFixed(3)} ms  p95 ${percentile(times, 95).toFixed(3)} ms  ` +
			`max ${Math.max(...times).toFixed(2)} ms; whole reply ${total.toFixed(0)} ms over ${times.length} deltas`
	);
}

console.log(`a reply of ${reply.length.toLocaleString('en')} characters, ${deltaSize} characters per delta\n`);
// A first pass warms the JIT for both, so neither pays for the other's start.
measure('(warm-up) whole text', (text) => renderMarkdown(text));
measure('whole text on every delta', (text) => renderMarkdown(text));
const streaming = new StreamingMarkdown();
measure('block by block', (text) => streaming.render(renderMarkdown, text));
