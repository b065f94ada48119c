// The replies this isolate (or Node process) is writing, so a stop that lands here aborts the
// model at once. A stop that lands elsewhere (another isolate, another instance) reaches the
// writer through the database instead, at its next progress write (see ai/reply.ts).
const writing = new Map<string, AbortController>();

/** Registers a reply being written; the returned signal aborts when this isolate hears a stop. */
export function claimReply(replyId: string): { signal: AbortSignal; release(): void } {
	const controller = new AbortController();
	writing.set(replyId, controller);
	return {
		signal: controller.signal,
		release: () => {
			if (writing.get(replyId) === controller) writing.delete(replyId);
		}
	};
}

/** Aborts the reply's model call if this isolate is writing it; false when it is not. */
export function abortLocally(replyId: string): boolean {
	const controller = writing.get(replyId);
	controller?.abort(new Error('stopped'));
	return controller !== undefined;
}
