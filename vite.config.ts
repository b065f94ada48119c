import { availableParallelism } from 'node:os';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		host: '127.0.0.1',
		// The local Supabase's Postgres and wrangler dev write under the project while the dev server
		// runs: watched, every write of theirs is an event for vite to sort out.
		watch: { ignored: ['**/.local-supabase/**', '**/.wrangler/**', '**/bench/results/**'] }
	},
	preview: { host: '127.0.0.1' },
	// Fonts (KaTeX's) stay files: the CSP allows fonts from this site only, not data: URLs.
	build: { assetsInlineLimit: (file) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined) },
	test: {
		include: ['src/**/*.test.ts', 'worker/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		globalSetup: ['tests/integration/global-setup.ts'],
		testTimeout: 20_000,
		hookTimeout: 60_000,
		// Files run at once: they mostly wait on the stack, and each counts only its own requests
		// (x-local-request-tag) and reads only its own people's rows.
		maxWorkers: Math.max(2, availableParallelism() * 2)
	}
});
