// `node tests/support/fault-proxy-main.ts`: the fault proxy as its own process, for Playwright.
import { startFaultProxy } from './fault-proxy.ts';

const proxy = await startFaultProxy({
	upstream: process.env.FAULT_PROXY_UPSTREAM!,
	port: Number(process.env.FAULT_PROXY_PORT)
});
console.log(`fault proxy on ${proxy.url}`);
