// Entry point of the storage server process: `node local-supabase/storage/main.ts <project root>`.
import path from 'node:path';
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import { dbUrl, loadStackConfig } from '../config.ts';
import { deriveApiKeys, loadSigningKeys, verifyStackJwt } from '../keys.ts';
import { createStorageApp } from './app.ts';
import { Blobs } from './blobs.ts';

const config = loadStackConfig(process.argv[2] ?? process.cwd());
const signingKeys = await loadSigningKeys(config);
const { jwtSecret } = config.auth;
const { serviceRole } = await deriveApiKeys(jwtSecret);
// Sizes (bigint) as numbers, as storage-api's JSON has them.
const bigint = {
	to: 20,
	from: [20],
	serialize: (value: number) => String(value),
	parse: (value: string) => Number(value)
};
const sql = postgres(dbUrl(config, 'supabase_storage_admin'), { max: 5, onnotice: () => {}, types: { bigint } });
const app = createStorageApp({
	sql,
	signingKeys,
	jwtSecret,
	service: {
		role: 'service_role',
		claims: await verifyStackJwt(serviceRole, signingKeys, jwtSecret),
		token: serviceRole,
		sub: undefined,
		headers: {}
	},
	blobs: new Blobs(path.join(config.dataDir, 'storage')),
	globalSizeLimit: config.storage.fileSizeLimit,
	signedUploadExpiry: 7200
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: config.ports.storage }, () => {
	console.log(`storage server listening on 127.0.0.1:${config.ports.storage}`);
});

const shutdown = () => {
	server.close();
	void sql.end({ timeout: 2 }).finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
