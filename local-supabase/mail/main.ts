// Entry point of the mail outbox process: `node local-supabase/mail/main.ts <project root>`.
import { serve } from '@hono/node-server';
import { loadStackConfig } from '../config.ts';
import { createOutboxApp } from './outbox.ts';

const config = loadStackConfig(process.argv[2] ?? process.cwd());
const port = config.ports.mail;
if (port === undefined) throw new Error('the mail outbox is off: [local_smtp] enabled = false in config.toml');
const server = serve({ fetch: createOutboxApp().fetch, hostname: '127.0.0.1', port }, () => {
	console.log(`mail outbox listening on 127.0.0.1:${port}`);
});

const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
