// Entry point of the gateway process: `node local-supabase/gateway/main.ts <project root>`.
import { createServer } from 'node:http';
import { loadStackConfig } from '../config.ts';
import { deriveApiKeys, loadSigningKeys } from '../keys.ts';
import { createGateway } from './gateway.ts';

const config = loadStackConfig(process.argv[2] ?? process.cwd());
const handle = createGateway({
	port: config.ports.api,
	apiKeys: await deriveApiKeys(config.auth.jwtSecret),
	signingKeys: await loadSigningKeys(config),
	jwtSecret: config.auth.jwtSecret,
	upstreams: { auth: config.ports.auth, rest: config.ports.rest, storage: config.ports.storage }
});

const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(config.ports.api, '127.0.0.1', () => {
	console.log(`gateway listening on 127.0.0.1:${config.ports.api}`);
});

const shutdown = () => {
	server.close(() => process.exit(0));
	server.closeAllConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
