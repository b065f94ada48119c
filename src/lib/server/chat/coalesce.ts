// A model sends its reply a token or two at a time, and every event costs the Worker the same
// again however short it is: encoding it, the Durable Object's log, the hop to the request, the
// response's write, and the browser's render of it. Text that comes within COALESCE_MS of the
// last text sent waits and goes out with the text after it, as one event; the first text goes
// at once, so the first words are not held back, and text is never held for longer than that.
import type { StreamEvent } from '$lib/chat/stream-protocol';

export const COALESCE_MS = 30;

type TextEvent = Extract<StreamEvent, { type: 'delta' | 'reasoning' }>;

export interface CoalescingSender {
	/** Sends the text now, or with what follows it within COALESCE_MS. */
	text(event: TextEvent): void;
	/** Sends any text held back, then this event. */
	send(event: StreamEvent): void;
	/** Sends any text held back. */
	flush(): void;
}

export function coalescingSender(send: (event: StreamEvent) => void, now = () => Date.now()): CoalescingSender {
	let held: TextEvent | null = null;
	let timer: ReturnType<typeof setTimeout> | null = null;
	// The window runs from the last text sent: other events (the start, tool cards) are no reason
	// to hold the text after them.
	let lastText = -Infinity;

	const sendText = (event: TextEvent) => {
		lastText = now();
		send(event);
	};
	const flush = () => {
		if (timer !== null) clearTimeout(timer);
		timer = null;
		if (!held) return;
		const event = held;
		held = null;
		sendText(event);
	};

	return {
		text(event) {
			// Thinking and answer stay apart, in the order they came.
			if (held && held.type !== event.type) flush();
			if (held) {
				held = { type: held.type, text: held.text + event.text };
				return;
			}
			const wait = COALESCE_MS - (now() - lastText);
			if (wait <= 0) return sendText(event);
			held = event;
			timer = setTimeout(flush, wait);
		},
		send(event) {
			flush();
			send(event);
		},
		flush
	};
}
