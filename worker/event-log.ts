// A reply's events as its Durable Object relays them: every chunk from the writer is kept, and
// sent on to whoever reads, the tab that started the reply and any number of followers (a reload,
// a second tab, another device). A follower gets everything from the first event, then the rest
// as it comes, with no database reads. The log lives in the object's memory only: if the object
// restarts, there is none, and followers read the database instead.
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
