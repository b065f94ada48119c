import { availableParallelism } from 'node:os';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { testChromiumLaunchOptions } from './tests/support/chromium.ts';

// `npm test` (scripts/with-supabase.ts) puts the Supabase under test in the environment.
const supabaseUrl = process.env.PUBLIC_SUPABASE_URL;
const supabaseKey = process.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? process.env.PUBLIC_SUPABASE_ANON_KEY;
if (!supabaseUrl || !supabaseKey) {
	throw new Error('PUBLIC_SUPABASE_URL and a key are not set: run the end-to-end tests with `npm test`.');
}

export const ports = { vite: 4173, worker: 8788, fakeModel: 4010, faultProxy: 4011, mcp: 4012 };
const fakeModelUrl = `http://127.0.0.1:${ports.fakeModel}`;
// The app reaches Supabase through a proxy that tests can tell to drop the database.
const faultProxyUrl = `http://127.0.0.1:${ports.faultProxy}`;

// What the app is given, under vite and under wrangler alike: the public URL and key of the
// Supabase, and the fake provider. Never the service-role key.
export const appEnv: Record<string, string> = {
	PUBLIC_SUPABASE_URL: faultProxyUrl,
	PUBLIC_SUPABASE_PUBLISHABLE_KEY: supabaseKey,
	AI_BASE_URL: `${fakeModelUrl}/v1`,
	AI_MODEL: 'fake-model',
	AI_API_KEY: 'fake-provider-key',
	// The local stack takes security keys as a second factor (supabase/config.toml).
	SECURITY_KEYS: 'on',
	// A second model, behind Anthropic's wire format on the same fake, for the Model picker; the
	// models the fake lists at /v1/models; and a server that is not there (port 9, discard).
	// Fake Claude and Fake vision read images (attachments.test.ts); the default model does not.
	AI_MODELS: JSON.stringify([
		{
			id: 'fake-claude',
			provider: 'anthropic',
			label: 'Fake Claude',
			baseURL: `${fakeModelUrl}/v1`,
			input: ['text', 'image']
		},
		{
			id: 'fake-vision',
			provider: 'openai-compatible',
			label: 'Fake vision',
			baseURL: `${fakeModelUrl}/v1`,
			input: ['text', 'image']
		},
		{ id: 'local', provider: 'openai-compatible', label: 'Fake server', baseURL: `${fakeModelUrl}/v1`, discover: true },
		{
			id: 'gone',
			provider: 'openai-compatible',
			label: 'Gone server',
			baseURL: 'http://127.0.0.1:9/v1',
			discover: true
		}
	]),
	ANTHROPIC_API_KEY: 'fake-anthropic-key',
	// The test MCP server (tests/support/mcp-server.ts): its harmless tools run unasked. A server
	// that is down (nothing listens on port 9), which every reply names and goes on without. And the
	// test server again, over HTTP+SSE.
	MCP_SERVERS: JSON.stringify([
		{
			id: 'test',
			label: 'Test tools',
			url: `http://127.0.0.1:${ports.mcp}/mcp`,
			safeTools: ['add', 'slow', 'fail', 'big', 'echo'],
			timeoutMs: 10_000
		},
		{ id: 'gone', label: 'Gone tools', url: 'http://127.0.0.1:9/mcp', timeoutMs: 2_000 },
		// The same tools over the older HTTP+SSE transport, which the app falls back to.
		{ id: 'old', label: 'Old tools', url: `http://127.0.0.1:${ports.mcp}/sse`, safeTools: ['add'], timeoutMs: 10_000 }
	]),
	// Well above the longest reply of the suite (about 8 s), with room for a loaded machine.
	AI_TIMEOUT_MS: '60000'
};

// PARLEY_E2E_TARGETS=vite skips the worker while iterating; `npm test` runs both.
const targets = (process.env.PARLEY_E2E_TARGETS ?? 'vite,worker').split(',');

const servers: NonNullable<PlaywrightTestConfig['webServer']> = [
	{
		command: `node tests/support/fake-provider-main.ts`,
		url: `${fakeModelUrl}/_control/calls`,
		env: { FAKE_PROVIDER_PORT: String(ports.fakeModel) },
		reuseExistingServer: false
	},
	{
		command: `node tests/support/mcp-server-main.ts`,
		url: `http://127.0.0.1:${ports.mcp}/_control/notes`,
		env: { MCP_SERVER_PORT: String(ports.mcp) },
		reuseExistingServer: false
	},
	{
		command: `node tests/support/fault-proxy-main.ts`,
		url: `${faultProxyUrl}/rest/v1/`,
		env: { FAULT_PROXY_PORT: String(ports.faultProxy), FAULT_PROXY_UPSTREAM: supabaseUrl },
		reuseExistingServer: false
	}
];
// Playwright starts servers with its own environment underneath `env`, and `npm test` put the
// stack's secrets there for the tests; vite would hand them to $env/dynamic/private. Blank them.
const withheld = ['SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_SECRET_KEY', 'SUPABASE_DB_URL'];
if (targets.includes('vite')) {
	servers.push({
		command: `vite dev --port ${ports.vite} --strictPort`,
		url: `http://127.0.0.1:${ports.vite}/login`,
		env: { ...Object.fromEntries(withheld.map((name) => [name, ''])), ...appEnv },
		reuseExistingServer: false,
		timeout: 60_000
	});
}
if (targets.includes('worker')) {
	// The worker is built by `npm run test:e2e` before Playwright starts; here it only runs, in
	// workerd from npm, with the Request.cf download and telemetry off (no internet here).
	// One shell line: each value is single-quoted (none holds a single quote), as JSON needs.
	const vars = Object.entries(appEnv).flatMap(([name, value]) => ['--var', `'${name}:${value}'`]);
	servers.push({
		command: ['wrangler dev --ip 127.0.0.1 --port', String(ports.worker), '--log-level warn', ...vars].join(' '),
		url: `http://127.0.0.1:${ports.worker}/login`,
		env: { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
		reuseExistingServer: false,
		timeout: 60_000
	});
}

// Tests run at once: each keys its plans for the fake model and its database faults by text or a
// person of its own (tests/e2e/support.ts), so none depends on another's order or leftovers. Most
// of a test's time is spent waiting on a reply or a page, so more workers than cores pay off;
// PARLEY_E2E_WORKERS overrides the choice.
const workers = Number(process.env.PARLEY_E2E_WORKERS) || Math.max(2, Math.round(availableParallelism() * 1.5));

export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 30_000,
	// A loaded machine answers more slowly; a wait that passes is not made longer by this.
	expect: { timeout: 10_000 },
	retries: 0,
	workers,
	fullyParallel: true,
	reporter: 'list',
	use: {
		launchOptions: testChromiumLaunchOptions,
		// The suite runs as a person who asked for less motion: no click waits for a menu to finish
		// sliding in, and no pulse repaints while the machine is busy. look.test.ts checks the
		// motion itself, on and off.
		reducedMotion: 'reduce'
	},
	projects: [
		// The whole suite runs against the production worker; under vite dev, only what can differ
		// there (tagged @vite; see tests/README.md): the dev entry and hooks, streaming, forms
		// without JavaScript, and the replies' writer, which vite runs in the request.
		{ name: 'vite', grep: /@vite/, use: { baseURL: `http://127.0.0.1:${ports.vite}` } },
		{ name: 'worker', use: { baseURL: `http://127.0.0.1:${ports.worker}` } }
	].filter((project) => targets.includes(project.name)),
	webServer: servers
});
