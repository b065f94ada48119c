// What of a conversation fits in a model's context. Tokens are estimated, not counted: about
// four characters a token for English text (OpenAI's and Anthropic's own rule of thumb), plus a
// few tokens of framing per message. An exact count would need each provider's tokenizer in the
// worker, megabytes of tables, for a budget that only has to be safe, not tight; the estimate
// leaves a margin of a quarter of the budget for text that tokenizes worse (code, other scripts).
import type { ModelMessage } from 'ai';

const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;
const SAFETY_SHARE = 0.75;
// What an image costs: providers charge by its size (OpenAI about 765 tokens for a 1024 px square
// in high detail, Anthropic width × height / 750); this is a generous flat guess.
const TOKENS_PER_IMAGE = 1600;

export function estimateTokens(text: string): number {
	return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function messageTokens(message: ModelMessage): number {
	if (typeof message.content === 'string') return estimateTokens(message.content) + TOKENS_PER_MESSAGE;
	let tokens = TOKENS_PER_MESSAGE;
	for (const part of message.content) {
		if (part.type === 'text') tokens += estimateTokens(part.text);
		else if (part.type === 'image' || (part.type === 'file' && part.mediaType.startsWith('image/')))
			tokens += TOKENS_PER_IMAGE;
		else tokens += estimateTokens(JSON.stringify(part));
	}
	return tokens;
}

export interface ContextBudget {
	contextTokens: number;
	maxOutputTokens: number;
	system?: string;
}

/**
 * The newest messages that fit beside the system prompt and room for the reply. The latest
 * message always goes, cut from its start if it alone is too long, so every turn is answered.
 */
/** The tokens left for the conversation once the reply's room and the system prompt are set aside. */
function roomTokens(budget: ContextBudget): number {
	return (
		Math.floor((budget.contextTokens - budget.maxOutputTokens) * SAFETY_SHARE) -
		(budget.system ? estimateTokens(budget.system) + TOKENS_PER_MESSAGE : 0)
	);
}

/**
 * The characters of conversation worth reading from the database for a model: what fitToContext
 * could keep at most. The database reads newest first until they are spent (private.path_within,
 * which counts the same four tokens of framing per message), so a long chat is not carried whole
 * to the worker only to be trimmed there.
 */
export function contextChars(budget: ContextBudget): number {
	return Math.max(0, roomTokens(budget)) * CHARS_PER_TOKEN;
}

export function fitToContext(messages: ModelMessage[], budget: ContextBudget): ModelMessage[] {
	let room = roomTokens(budget);
	const kept: ModelMessage[] = [];
	for (let index = messages.length - 1; index >= 0; index--) {
		const message = messages[index];
		const cost = messageTokens(message);
		if (cost > room) {
			if (kept.length === 0 && typeof message.content === 'string' && room > TOKENS_PER_MESSAGE) {
				const chars = (room - TOKENS_PER_MESSAGE) * CHARS_PER_TOKEN;
				const tail = message.content.slice(-chars).replace(/^[\uDC00-\uDFFF]/, '');
				kept.unshift({ ...message, content: tail } as ModelMessage);
			}
			break;
		}
		kept.unshift(message);
		room -= cost;
	}
	// Providers such as Anthropic require the conversation to open with the person's turn.
	while (kept.length > 1 && kept[0].role !== 'user') kept.shift();
	return kept;
}
