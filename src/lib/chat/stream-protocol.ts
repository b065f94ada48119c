// The streaming endpoint's wire format: one JSON event per line (NDJSON). Shared by the
// endpoint and the browser so both sides agree on every field.
import type { ReplyTools } from './tool-calls';

export type StreamEvent =
	/** `model` is the id the reply is stored with. */
	| { type: 'start'; sessionId: string; replyId: string; model: string }
	| { type: 'delta'; text: string }
	/** Words of the model's thinking, which come before (or between) the answer's. */
	| { type: 'reasoning'; text: string }
	/** The reply's tool calls as they stand: all of them, each time one starts or ends. */
	| { type: 'tools'; tools: ReplyTools }
	| { type: 'done' }
	/** The person stopped the reply (here or in another tab); what was written is kept. */
	| { type: 'stopped' }
	/** After done, on a new chat's first reply: the title the model gave it (the stream then ends). */
	| { type: 'title'; sessionId: string; title: string }
	| { type: 'error'; message: string; status?: number };

export const STREAM_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';
