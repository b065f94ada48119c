// Runs the test MCP server as its own process, for Playwright's webServer list.
import { startTestMcpServer } from './mcp-server.ts';

const port = Number(process.env.MCP_SERVER_PORT ?? 4012);
const server = await startTestMcpServer({ port });
console.log(`test MCP server at ${server.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => void server.close().then(() => process.exit(0)));
}
