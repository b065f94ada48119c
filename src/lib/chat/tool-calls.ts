// A reply's tool calls as the page shows them and the database keeps them (chat_messages.tools):
// one card per call, in the order the model made them. Shared by the server, which writes them as
// the reply streams, and the browser, which draws them.

/** awaiting: the tool is not marked safe, and the person has not answered yet. */
export type ToolCallStatus = 'awaiting' | 'running' | 'complete' | 'error' | 'denied';

export interface ToolCallView {
	/** The provider's id for the call. */
	id: string;
	/** The server's id and label, as the operator configured them. */
	server: string;
	serverLabel: string;
	tool: string;
	/** The arguments, as pretty JSON, cut to what a card shows. */
	args: string;
	status: ToolCallStatus;
	/** What the tool answered (or its error), cut to what a card shows. */
	result?: string;
	/** Whether the result was longer than what the card keeps. */
	resultCut?: boolean;
	/** How long the call took, once it has ended. */
	ms?: number;
	/** How much of the reply's text came before the call: the card sits there, between its parts. */
	at?: number;
}

export interface ReplyTools {
	calls: ToolCallView[];
	/** Set when the reply stopped at the operator's limit of model steps with tools. */
	stepLimit?: number;
	/** Servers that did not answer when the reply began: their tools were not offered. */
	unavailable?: string[];
}

/** What a card keeps of a tool's arguments and of its result; the model gets more of a result. */
export const CARD_ARGS_CHARS = 4_000;
export const CARD_RESULT_CHARS = 8_000;

/** A server's tools as Chat settings lists them, each with a switch. */
export interface ToolServerOffer {
	id: string;
	label: string;
	/** False when the server did not answer: its tools are not offered now. */
	reachable: boolean;
	tools: { name: string; tool: string; description: string; asksFirst: boolean }[];
}

/** What Chat settings shows of the tools: what the servers offer, and what this chat switched off. */
export interface ChatToolChoices {
	servers: ToolServerOffer[];
	off: string[];
}

/** A part of a reply's text, and the cards of the calls made right after it. */
export interface ReplySegment {
	text: string;
	calls: ToolCallView[];
}

/**
 * A reply's text cut where its tools were called, each part followed by the cards of the calls
 * made there, in order. A call with no place (stored before calls had one) comes first.
 */
export function replySegments(content: string, calls: ToolCallView[]): ReplySegment[] {
	const place = (call: ToolCallView) => Math.min(Math.max(call.at ?? 0, 0), content.length);
	const cuts = [...new Set(calls.map(place))].sort((a, b) => a - b);
	const segments: ReplySegment[] = [];
	let from = 0;
	for (const cut of cuts) {
		segments.push({ text: content.slice(from, cut), calls: calls.filter((call) => place(call) === cut) });
		from = cut;
	}
	segments.push({ text: content.slice(from), calls: [] });
	return segments;
}
