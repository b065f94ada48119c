// The streaming side of a live turn: posting to the streaming endpoint, following a reply
// another request writes, and asking for a stop, each feeding the turn in live.svelte.ts. Loaded
// when a person starts to write, or when a page opens on a reply being written: a page that is
// only read never needs it.
import { loadView } from '$lib/lazy-views.svelte';
import { live, replyTurn, UNREACHABLE, type LiveTurn, type StreamBody } from './live.svelte';
import type { StreamEvent } from './stream-protocol';

/** What a refused request says, in the one error shape the server answers with. */
async function problemMessage(response: Response): Promise<string> {
	const problem = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
	return problem?.error?.message ?? `The server answered ${response.status}.`;
}

export interface StreamHandlers {
	onStart?(event: Extract<StreamEvent, { type: 'start' }>): void;
}

/**
 * Posts to the streaming endpoint and feeds the live turn. Resolves when the reply has ended;
 * returns false when nothing was stored (the request was refused before the message was saved).
 */
export async function streamTurn(body: StreamBody, turn: LiveTurn, handlers: StreamHandlers = {}): Promise<boolean> {
	live.turn = turn;
	const current = () => live.turn ?? turn;
	let response: Response;
	try {
		response = await fetch('/api/chat', {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/x-ndjson, application/json' },
			body: JSON.stringify(body)
		});
	} catch {
		Object.assign(current(), { status: 'error', error: UNREACHABLE });
		return false;
	}
	return readEvents(response, turn, handlers);
}

/**
 * Follows a reply another request is writing (after a reload, or in a second tab) from the
 * database, showing what was written so far and then the rest as it arrives.
 */
export async function followReply(replyId: string, sessionId: string): Promise<boolean> {
	const turn = replyTurn(replyId, sessionId);
	live.turn = turn;
	let response: Response;
	try {
		response = await fetch(`/api/chat/replies/${replyId}`, { headers: { accept: 'application/x-ndjson' } });
	} catch {
		Object.assign(live.turn ?? turn, { status: 'error', error: UNREACHABLE });
		return false;
	}
	return readEvents(response, turn);
}

/** Asks the server to stop a reply; the writer keeps what it wrote, and every tab sees it stopped. */
export async function stopReply(replyId: string): Promise<string | null> {
	try {
		const response = await fetch(`/api/chat/replies/${replyId}/stop`, { method: 'POST' });
		return response.ok ? null : await problemMessage(response);
	} catch {
		return UNREACHABLE;
	}
}

/** Feeds a turn from a response of NDJSON events; false when the request was refused. */
async function readEvents(response: Response, turn: LiveTurn, handlers: StreamHandlers = {}): Promise<boolean> {
	const current = () => live.turn ?? turn;
	if (!response.ok || !response.body) {
		Object.assign(current(), { status: 'error', error: await problemMessage(response) });
		return false;
	}

	const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
	let buffered = '';
	let ended = false;
	let markEnded: () => void = () => {};
	const endedSignal = new Promise<void>((resolve) => (markEnded = resolve));
	const end = (changes: Partial<LiveTurn>) => {
		ended = true;
		const target = current();
		if (target.thinkingSince && target.thoughtMs == null) target.thoughtMs = Date.now() - target.thinkingSince;
		Object.assign(target, changes);
		markEnded();
	};
	const handle = (line: string) => {
		if (!line.trim()) return;
		const event = JSON.parse(line) as StreamEvent;
		const target = current();
		if (event.type === 'start') {
			Object.assign(target, { sessionId: event.sessionId, replyId: event.replyId, model: event.model || null });
			handlers.onStart?.(event);
		} else if (event.type === 'reasoning') {
			target.reasoning = (target.reasoning ?? '') + event.text;
			target.thinkingSince ??= Date.now();
		} else if (event.type === 'tools') {
			void loadView('tools');
			target.tools = event.tools;
		} else if (event.type === 'delta') {
			if (target.thinkingSince && target.thoughtMs == null) target.thoughtMs = Date.now() - target.thinkingSince;
			target.text += event.text;
		} else if (event.type === 'done') {
			end({ status: 'complete' });
		} else if (event.type === 'stopped') {
			end({ status: 'stopped' });
		} else if (event.type === 'error') {
			end({ status: 'error', error: event.message });
		} else if (event.type === 'title') {
			live.titles[event.sessionId] = event.title;
		}
	};
	// Read to the end of the stream; the turn is over at done, and a title may follow it.
	const pump = (async () => {
		try {
			for (;;) {
				const { value, done } = await reader.read();
				if (done) break;
				buffered += value;
				const lines = buffered.split('\n');
				buffered = lines.pop() ?? '';
				lines.forEach(handle);
			}
			handle(buffered);
		} catch {
			// The connection dropped; the server keeps writing the reply, and a reload follows it.
		}
	})();
	await Promise.race([endedSignal, pump]);
	if (!ended) {
		Object.assign(current(), {
			status: 'error',
			error: 'The connection dropped. The reply goes on being written: reload to see it.'
		});
	}
	return true;
}
