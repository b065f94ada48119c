// A second instance of the local auth server, on its own port over the stack's Postgres,
// for behaviour that depends on [auth] settings the running stack does not use.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { exportJWK, generateKeyPair } from 'jose';
import postgres from 'postgres';
import { createAuthApp } from '../../local-supabase/auth/app.ts';
import { Tokens } from '../../local-supabase/auth/tokens.ts';
import { type AuthSettings, loadStackConfig } from '../../local-supabase/config.ts';
import { loadSigningKeys } from '../../local-supabase/keys.ts';
import { projectRoot } from '../../scripts/supabase-env.ts';
import { dbUrl, fetchJson } from './supabase.ts';

export async function rs256KeyFile(): Promise<string> {
	const { privateKey } = await generateKeyPair('RS256', { extractable: true });
	const jwk = { ...(await exportJWK(privateKey)), kid: 'test-rs256', alg: 'RS256', use: 'sig' };
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'parley-keys-')), 'keys.json');
	writeFileSync(file, JSON.stringify([jwk]));
	return file;
}

export async function startAuthServer(overrides: Partial<AuthSettings>) {
	const config = loadStackConfig(projectRoot);
	config.auth = { ...config.auth, ...overrides };
	const keys = await loadSigningKeys(config);
	const url = new URL(dbUrl);
	url.username = 'supabase_auth_admin';
	const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
	const app = createAuthApp({ sql, tokens: new Tokens(keys, config.auth), settings: config.auth });
	const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
	await new Promise((resolve) => server.once('listening', resolve));
	const port = (server.address() as AddressInfo).port;
	const base = `http://127.0.0.1:${port}`;
	const call = (route: string, body?: unknown, headers: Record<string, string> = {}, method?: string) =>
		fetchJson(`${base}${route}`, {
			method: method ?? (body === undefined ? 'GET' : 'POST'),
			headers: { 'content-type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01', ...headers },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	return {
		port,
		call,
		async close() {
			server.close();
			await sql.end({ timeout: 2 });
		}
	};
}
