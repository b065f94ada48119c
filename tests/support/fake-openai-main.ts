// Runs the fake provider as its own process, for Playwright's webServer list.
import { startFakeOpenAI } from './fake-openai.ts';

const port = Number(process.env.FAKE_OPENAI_PORT ?? 4010);
const fake = await startFakeOpenAI({ port });
console.log(`fake OpenAI-compatible provider at ${fake.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => void fake.close().then(() => process.exit(0)));
}
