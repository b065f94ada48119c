import { describe, expect, it } from 'vitest';
import { EventLog, KEPT_AFTER_END_MS, ReplyLogs } from './event-log';

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

describe('ReplyLogs', () => {
	it('keeps each reply of one object apart, however many run at once', async () => {
		const logs = new ReplyLogs();
		const first = source();
		const second = source();
		const firstStarted = logs.start('reply-1', first.stream);
		const secondStarted = logs.start('reply-2', second.stream);
		const firstReader = text(firstStarted.log.reader());
		first.push('one a\n');
		second.push('two a\n');
		first.push('one b\n');
		await tick();
		const follower = text(logs.reader('reply-2')!);
		second.push('two b\n');
		first.end();
		second.end();
		await Promise.all([firstStarted.relayed, secondStarted.relayed]);
		expect(await firstReader).toBe('one a\none b\n');
		expect(await follower).toBe('two a\ntwo b\n');
		expect(logs.reader('reply-3')).toBeNull();
	});

	it('lets a log go a while after its reply ended, never while it runs', async () => {
		let now = 0;
		const logs = new ReplyLogs(() => now);
		const ended = source();
		const running = source();
		const endedStarted = logs.start('ended', ended.stream);
		logs.start('running', running.stream);
		ended.push('done\n');
		ended.end();
		await endedStarted.relayed;

		now = KEPT_AFTER_END_MS;
		// A late follower still gets the whole reply.
		expect(await text(logs.reader('ended')!)).toBe('done\n');

		now = KEPT_AFTER_END_MS + 1;
		expect(logs.reader('ended')).toBeNull();
		now = 10 * KEPT_AFTER_END_MS;
		expect(logs.reader('running')).not.toBeNull();
		expect(logs.size).toBe(1);
		running.end();
	});

	it('starts a new log for a retry of the same reply', async () => {
		const logs = new ReplyLogs();
		const first = source();
		logs.start('reply', first.stream);
		first.push('old\n');
		first.end();
		const retry = source();
		const retried = logs.start('reply', retry.stream);
		retry.push('new\n');
		retry.end();
		await retried.relayed;
		expect(await text(logs.reader('reply')!)).toBe('new\n');
	});
});
