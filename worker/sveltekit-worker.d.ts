// The app's build output, aliased in wrangler.toml, so the entry type-checks before a build.
declare module 'parley:sveltekit-worker' {
	const worker: {
		fetch(
			request: Request,
			env: Record<string, unknown>,
			ctx: Pick<ExecutionContext, 'waitUntil' | 'passThroughOnException'>
		): Promise<Response>;
	};
	export default worker;
}

// The reply writer, as src/routes/internal/reply-writer/+server.ts exports it from SvelteKit's build.
declare module 'parley:reply-writer' {
	export function _writeReply(
		turn: unknown,
		platform: {
			env: Record<string, unknown>;
			ctx: Pick<ExecutionContext, 'waitUntil' | 'passThroughOnException'>;
			caches: CacheStorage;
		}
	): Promise<ReadableStream<Uint8Array>>;
	export function _stopReply(replyId: string): boolean;
}
