import { describe, expect, it } from 'vitest';
import { EventLog } from './event-log';

const encoder = new TextEncoder();

function source() {
	let push!: (text: string) => void;
	let end!: () => void;
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			push = (text) => controller.enqueue(encoder.encode(text));
			end = () => controller.close();
		}
	});
	return { stream, push: (text: string) => push(text), end: () => end() };
}

const text = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('EventLog', () => {
	it('gives a follower everything from the first event, then the rest, then the end', async () => {
		const log = new EventLog();
		const writer = source();
		const relayed = log.relay(writer.stream);
		const starter = text(log.reader());
		writer.push('a\n');
		writer.push('b\n');
		await tick();
		const late = text(log.reader());
		writer.push('c\n');
		writer.end();
		await relayed;
		expect(await starter).toBe('a\nb\nc\n');
		expect(await late).toBe('a\nb\nc\n');
		// After the end a follower still reads the whole reply.
		expect(await text(log.reader())).toBe('a\nb\nc\n');
	});

	it('goes on relaying when a reader leaves', async () => {
		const log = new EventLog();
		const writer = source();
		const relayed = log.relay(writer.stream);
		const leaving = log.reader();
		const staying = text(log.reader());
		writer.push('a\n');
		await leaving.cancel();
		writer.push('b\n');
		writer.end();
		await relayed;
		expect(await staying).toBe('a\nb\n');
	});
});
