// adapter-cloudflare's build output, aliased in wrangler.toml, so the entry type-checks before a build.
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
