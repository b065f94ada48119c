import adapter from '@sveltejs/adapter-cloudflare';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// The adapter writes SvelteKit's worker where its config's `main` says; wrangler.toml's
		// main is worker/index.ts, which adds the ReplyWriter Durable Object to that output. Under
		// vite dev the same small config gives platform.env its bindings: no Durable Object there
		// (it would point at a class vite does not run), so the request writes the reply itself.
		adapter: adapter({
			config: 'worker/adapter.wrangler.toml',
			platformProxy: { configPath: 'worker/adapter.wrangler.toml' }
		}),
		// Parley's CSS is small: inlined, it costs no render-blocking request before the first paint.
		inlineStyleThreshold: 32_768,
		// SvelteKit adds a nonce (rendered pages) or a hash (prerendered ones) for its own inline
		// script, so no inline script runs without one. Styles may be inline: Svelte's transitions
		// and vite's dev server write them, and a style cannot run code.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				// blob: for the previews of images chosen in the composer, before they are sent.
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
