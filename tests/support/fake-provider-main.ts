// Runs the fake provider as its own process, for Playwright's webServer list.
import { startFakeProvider } from './fake-provider.ts';

const port = Number(process.env.FAKE_PROVIDER_PORT ?? 4010);
const fake = await startFakeProvider({ port });
console.log(`fake model provider (OpenAI, Anthropic and Gemini wire formats) at ${fake.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => void fake.close().then(() => process.exit(0)));
}
