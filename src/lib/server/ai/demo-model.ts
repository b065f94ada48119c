// The offline demo model: what `npm run dev` answers with when no provider is configured. It
// says plainly that it is a demo, and streams word by word so the UI behaves as it will live.
import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';

export const DEMO_MODEL_ID = 'parley-offline-demo';

function lastUserText(prompt: Parameters<LanguageModelV4['doStream']>[0]['prompt']): string {
	for (let index = prompt.length - 1; index >= 0; index--) {
		const message = prompt[index];
		if (message.role !== 'user') continue;
		return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ');
	}
	return '';
}

export function demoReply(question: string): string {
	const quoted = question.length > 120 ? `${question.slice(0, 119)}…` : question;
	return [
		`**Offline demo model.** You wrote: “${quoted}”.`,
		'',
		'No model provider is configured, so this reply was written locally. Set `AI_BASE_URL` and',
		'`AI_MODEL` (see the README) to talk to a real model.'
	].join('\n');
}

export function createDemoModel(chunkDelayInMs = 15): LanguageModelV4 {
	return {
		specificationVersion: 'v4',
		provider: 'parley',
		modelId: DEMO_MODEL_ID,
		supportedUrls: {},
		async doGenerate() {
			throw new Error('The demo model only streams.');
		},
		async doStream({ prompt }) {
			const words = demoReply(lastUserText(prompt)).split(/(?<=\s)/);
			const chunks: LanguageModelV4StreamPart[] = [
				{ type: 'stream-start', warnings: [] },
				{ type: 'text-start', id: 'demo' },
				...words.map((delta): LanguageModelV4StreamPart => ({ type: 'text-delta', id: 'demo', delta })),
				{ type: 'text-end', id: 'demo' },
				{
					type: 'finish',
					finishReason: { unified: 'stop', raw: 'stop' },
					usage: {
						inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
						outputTokens: { total: words.length, text: words.length, reasoning: undefined }
					}
				}
			];
			return { stream: simulateReadableStream({ chunks, initialDelayInMs: chunkDelayInMs, chunkDelayInMs }) };
		}
	};
}
