// Relays a reply being written as NDJSON events (see $lib/chat/stream-protocol).
import type { StreamEvent } from '$lib/chat/stream-protocol';
import { writeReply } from '../ai/reply';
import { describeFailure, failureText } from '../errors';
import type { PostedMessage } from './messages';
import { coalescingSender } from './coalesce';
import { replyRequest, titleAfter, type OnPlatform } from './turn';

/**
 * The events of a reply this request writes (a turn with isNew; see follow.ts for the others).
 * `progressEveryMs`: how often the writer stores what has arrived (see ai/reply.ts).
 */
export async function replyStream(
	event: OnPlatform,
	turn: PostedMessage,
	progressEveryMs?: number
): Promise<ReadableStream<Uint8Array>> {
	const encoder = new TextEncoder();
	// The reply is written to the end whether or not the browser stays: a reload or another tab
	// follows it (see follow.ts), and Stop is how a person ends it early.
	const request = { ...replyRequest(event, turn), progressEveryMs };

	// Whether anyone still reads: the browser (or a form post waiting for the end) may leave.
	let open = true;
	return new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (streamEvent: StreamEvent) => {
				if (!open) return;
				try {
					controller.enqueue(encoder.encode(`${JSON.stringify(streamEvent)}\n`));
				} catch {
					open = false;
				}
			};
			// Text that comes close together goes out as one event (coalesce.ts).
			const out = coalescingSender(send);
			const relay = async () => {
				out.send({ type: 'start', sessionId: turn.sessionId, replyId: turn.replyId, model: request.chatModel.id });
				const run = writeReply(request);
				for (;;) {
					const step = await run.next();
					if (step.done) {
						const outcome = step.value;
						// The cards as stored: calls a stop ended, the step limit, a server that was down.
						if (outcome.tools) out.send({ type: 'tools', tools: outcome.tools });
						out.send(
							outcome.status === 'complete'
								? { type: 'done' }
								: outcome.status === 'stopped'
									? { type: 'stopped' }
									: { type: 'error', message: outcome.message ?? '' }
						);
						// The turn is over for the browser; the stream stays open for the title alone.
						const title = await titleAfter(event, request, outcome);
						if (title) out.send({ type: 'title', sessionId: turn.sessionId, title });
						return;
					}
					const piece = step.value;
					if (piece.kind === 'tools') out.send({ type: 'tools', tools: piece.tools });
					else out.text({ type: piece.kind === 'reasoning' ? 'reasoning' : 'delta', text: piece.text });
				}
			};
			const finished = relay()
				.catch((error: unknown) => {
					const failure = describeFailure(error, `streaming reply ${turn.replyId}`);
					out.send({ type: 'error', message: `The reply could not be saved. ${failureText(failure)}` });
				})
				.finally(() => {
					out.flush();
					if (open) controller.close();
					open = false;
				});
			// On Workers, keep the isolate alive until the reply is stored even if the browser left.
			event.platform?.ctx?.waitUntil(finished);
		},
		cancel() {
			// The reader went away; the relay above keeps writing the reply, to no one.
			open = false;
		}
	});
}
