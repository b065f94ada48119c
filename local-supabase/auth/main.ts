// Entry point of the auth server process: `node local-supabase/auth/main.ts <project root>`.
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import { dbUrl, loadStackConfig } from '../config.ts';
import { loadSigningKeys } from '../keys.ts';
import { createAuthApp } from './app.ts';
import { Tokens } from './tokens.ts';

const config = loadStackConfig(process.argv[2] ?? process.cwd());
const keys = await loadSigningKeys(config);
const sql = postgres(dbUrl(config, 'supabase_auth_admin'), { max: 5, onnotice: () => {} });
const app = createAuthApp({ sql, tokens: new Tokens(keys, config.auth), settings: config.auth });

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: config.ports.auth }, () => {
	console.log(`auth server listening on 127.0.0.1:${config.ports.auth}`);
});

const shutdown = () => {
	server.close();
	void sql.end({ timeout: 2 }).finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
