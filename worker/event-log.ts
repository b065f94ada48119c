// A reply's events as its Durable Object relays them: every chunk from the writer is kept, and
// sent on to whoever reads, the tab that started the reply and any number of followers (a reload,
// a second tab, another device). A follower gets everything from the first event, then the rest
// as it comes, with no database reads. The logs live in the object's memory only: if the object
// restarts, there are none, and followers read the database instead.
export class EventLog {
	private readonly chunks: Uint8Array[] = [];
	private readonly readers = new Set<ReadableStreamDefaultController<Uint8Array>>();
	private ended = false;

	/** Reads the writer's events to the end, keeping each for followers, whoever reads them. */
	async relay(source: ReadableStream<Uint8Array>): Promise<void> {
		const reader = source.getReader();
		try {
			for (;;) {
				const { value, done } = await reader.read();
				if (done) break;
				this.chunks.push(value);
				for (const controller of this.readers) this.send(controller, value);
			}
		} finally {
			this.ended = true;
			for (const controller of this.readers) this.close(controller);
			this.readers.clear();
		}
	}

	/** A stream of every event so far and each one after, until the writer's events end. */
	reader(): ReadableStream<Uint8Array> {
		let own: ReadableStreamDefaultController<Uint8Array>;
		return new ReadableStream<Uint8Array>({
			start: (controller) => {
				own = controller;
				for (const chunk of this.chunks) this.send(controller, chunk);
				if (this.ended) this.close(controller);
				else this.readers.add(controller);
			},
			// One reader leaving (a closed tab) changes nothing for the writer or the others.
			cancel: () => {
				this.readers.delete(own);
			}
		});
	}

	private send(controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) {
		try {
			controller.enqueue(chunk);
		} catch {
			this.readers.delete(controller);
		}
	}

	private close(controller: ReadableStreamDefaultController<Uint8Array>) {
		try {
			controller.close();
		} catch {
			// Already cancelled by its reader.
		}
	}
}

/**
 * How long a reply's log is kept after its end: a follower that read the reply as still being
 * written just before it ended asks for it a moment later. After that, followers read the
 * database, which then holds the whole reply.
 */
export const KEPT_AFTER_END_MS = 60_000;

/**
 * The logs of the replies one object writes, by reply id. Logs that ended a while ago are let go
 * whenever the object is asked for one, so an object that writes many replies holds few; an
 * object nobody asks for is evicted, and its memory with it.
 */
export class ReplyLogs {
	private readonly logs = new Map<string, { log: EventLog; endedAt: number | null }>();
	private readonly now: () => number;

	constructor(now: () => number = Date.now) {
		this.now = now;
	}

	/** Starts relaying a reply's events; a retry of the same reply starts a new log. */
	start(replyId: string, source: ReadableStream<Uint8Array>): { log: EventLog; relayed: Promise<void> } {
		this.letGo();
		const entry = { log: new EventLog(), endedAt: null as number | null };
		this.logs.set(replyId, entry);
		const relayed = entry.log.relay(source).finally(() => {
			entry.endedAt = this.now();
		});
		return { log: entry.log, relayed };
	}

	/** A follower's stream of the reply's events, or null when this object holds none for it. */
	reader(replyId: string): ReadableStream<Uint8Array> | null {
		this.letGo();
		return this.logs.get(replyId)?.log.reader() ?? null;
	}

	/** How many logs are held, ended or not. */
	get size(): number {
		return this.logs.size;
	}

	private letGo() {
		const before = this.now() - KEPT_AFTER_END_MS;
		for (const [replyId, { endedAt }] of this.logs) {
			if (endedAt !== null && endedAt < before) this.logs.delete(replyId);
		}
	}
}
