// A reply's tool calls as the cards the page shows (see $lib/chat/tool-calls): started, waiting
// for the person, answered, in the order the model made them, each cut to what a card keeps.
import { CARD_ARGS_CHARS, CARD_RESULT_CHARS, type ToolCallView } from '$lib/chat/tool-calls';
import { ToolFailure } from './mcp';

const cutTo = (text: string, max: number) => (text.length <= max ? text : text.slice(0, max));

/** What a tool answered, as text. */
export function toolOutput(output: unknown): string {
	return typeof output === 'string' ? output : JSON.stringify(output, null, 2);
}

export function toolErrorText(error: unknown): string {
	if (error instanceof ToolFailure) return error.message;
	// Anything else (a server gone, a refused argument) is named without its details, which may
	// hold the server's internals.
	return 'The tool could not be reached, or refused the call.';
}

/** The reply's tool calls as cards, in the order the model made them. */
export class ToolCalls {
	views: ToolCallView[] = [];
	#started = new Map<string, number>();
	/** A status set before the model's part for the call arrived (the tool can start first). */
	#early = new Map<string, ToolCallView['status']>();

	mark(id: string, status: ToolCallView['status']) {
		if (status === 'running') this.#started.set(id, Date.now());
		if (!this.views.some((call) => call.id === id)) this.#early.set(id, status);
		this.views = this.views.map((call) => (call.id === id ? { ...call, status } : call));
	}

	started(
		id: string,
		input: unknown,
		origin: { server: { id: string; label: string }; tool: string } | undefined,
		name: string,
		at: number
	) {
		this.#started.set(id, Date.now());
		const args = JSON.stringify(input ?? {}, null, 2);
		this.views = [
			...this.views,
			{
				id,
				server: origin?.server.id ?? '',
				serverLabel: origin?.server.label ?? 'Unknown server',
				tool: origin?.tool ?? name,
				args: cutTo(args, CARD_ARGS_CHARS),
				status: this.#early.get(id) ?? 'running',
				at
			}
		];
	}

	ended(id: string, status: 'complete' | 'error' | 'denied', result: string) {
		const started = this.#started.get(id);
		this.views = this.views.map((call) =>
			call.id === id
				? {
						...call,
						status,
						result: cutTo(result, CARD_RESULT_CHARS),
						...(result.length > CARD_RESULT_CHARS ? { resultCut: true } : {}),
						...(started === undefined ? {} : { ms: Date.now() - started })
					}
				: call
		);
	}

	/** Ends the calls still running; whether there were any. */
	endUnanswered(): boolean {
		const running = this.views.filter((call) => call.status === 'running' || call.status === 'awaiting');
		for (const call of running) this.ended(call.id, 'error', 'Ended with the reply, before it answered.');
		return running.length > 0;
	}
}
