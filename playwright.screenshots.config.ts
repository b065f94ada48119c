// `npm run screenshots`: the main pages at 1440 × 900 and 390 × 844, light and dark, written to
// docs/screenshots/ for the README. Not part of `npm test`: it asserts nothing, it only draws.
import { defineConfig } from '@playwright/test';
import { appEnv, ports } from './playwright.config.ts';
import { chromiumLaunchOptions } from './tests/support/chromium.ts';

const withheld = ['SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_SECRET_KEY', 'SUPABASE_DB_URL'];

export default defineConfig({
	testDir: 'tests/screenshots',
	timeout: 120_000,
	workers: 1,
	reporter: 'list',
	use: {
		launchOptions: chromiumLaunchOptions,
		baseURL: `http://127.0.0.1:${ports.vite}`,
		// Screenshots show the app at rest, not halfway through a transition.
		reducedMotion: 'reduce'
	},
	webServer: [
		{
			command: 'node tests/support/fake-provider-main.ts',
			url: `http://127.0.0.1:${ports.fakeModel}/_control/calls`,
			env: { FAKE_PROVIDER_PORT: String(ports.fakeModel) },
			reuseExistingServer: false
		},
		{
			command: `vite dev --port ${ports.vite} --strictPort`,
			url: `http://127.0.0.1:${ports.vite}/login`,
			// Straight to the Supabase under test: no fault proxy here.
			env: {
				...Object.fromEntries(withheld.map((name) => [name, ''])),
				...appEnv,
				PUBLIC_SUPABASE_URL: process.env.PUBLIC_SUPABASE_URL!,
				// One model, named as a reader would expect to see it.
				AI_BASE_URL: '',
				AI_MODEL: '',
				AI_MODELS: JSON.stringify([
					{
						id: 'demo',
						provider: 'openai-compatible',
						model: 'fake-model',
						label: 'Demo model',
						baseURL: `http://127.0.0.1:${ports.fakeModel}/v1`
					}
				])
			},
			reuseExistingServer: false,
			timeout: 60_000
		}
	]
});
