// The offline demo model: what `npm run dev` answers with when no provider is configured. It
// says plainly that it is a demo, and streams word by word so the UI behaves as it will live.
import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { TITLE_INSTRUCTIONS } from './title';

export const DEMO_MODEL_ID = 'parley-offline-demo';

function lastUserMessage(prompt: Parameters<LanguageModelV4['doStream']>[0]['prompt']): {
	text: string;
	images: number;
} {
	for (let index = prompt.length - 1; index >= 0; index--) {
		const message = prompt[index];
		if (message.role !== 'user') continue;
		return {
			text: message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' '),
			images: message.content.filter((part) => part.type === 'file').length
		};
	}
	return { text: '', images: 0 };
}

export function demoReply(question: string, images = 0): string {
	const quoted = question.length > 120 ? `${question.slice(0, 119)}…` : question;
	const seen = images ? ` and attached ${images === 1 ? 'an image' : `${images} images`}` : '';
	return [
		`**Offline demo model.** You wrote: “${quoted}”${seen}.`,
		'',
		'No model provider is configured, so this reply was written locally. Set `AI_BASE_URL` and',
		'`AI_MODEL` (see the README) to talk to a real model.'
	].join('\n');
}

/** The demo's title for a chat: the first message's first six words, deterministically. */
export function demoTitle(question: string): string {
	const words = question
		.replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
		.split(/\s+/)
		.filter(Boolean)
		.slice(0, 6)
		.join(' ');
	return words ? words[0].toUpperCase() + words.slice(1) : 'Untitled chat';
}

function firstUserText(prompt: Parameters<LanguageModelV4['doStream']>[0]['prompt']): string {
	const message = prompt.find((candidate) => candidate.role === 'user');
	return message?.role === 'user'
		? message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ')
		: '';
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
			const asksForTitle = prompt[0]?.role === 'system' && prompt[0].content === TITLE_INSTRUCTIONS;
			const asked = lastUserMessage(prompt);
			const text = asksForTitle ? demoTitle(firstUserText(prompt)) : demoReply(asked.text, asked.images);
			const words = text.split(/(?<=\s)/);
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
