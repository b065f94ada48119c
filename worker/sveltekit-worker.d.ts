// The app's build output, aliased in wrangler.toml, so the entry type-checks before a build.
declare module 'parley:sveltekit-server' {
	export { Server } from '@sveltejs/kit';
}

// adapter-cloudflare's manifest of the app, beside its worker.
declare module 'parley:sveltekit-manifest' {
	export const manifest: import('@sveltejs/kit').SSRManifest;
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
