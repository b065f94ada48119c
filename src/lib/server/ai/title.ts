// A chat's title, written by the model after the first reply. It runs beside the reply, never
// before it: the first words of the message stand in until it arrives, and stay if it fails.
import { titleFrom } from '$lib/chat/text';
import { setReplyTitle, type ReplyWriter } from '../chat/messages';
import { logFailure } from '../errors';
import { streamModelCall } from './model-call';
import type { ChatModel } from './registry';

/** The model is told exactly this, so the demo model and the test fake can tell a title call apart. */
export const TITLE_INSTRUCTIONS =
	'You write titles for chats. Reply with a title of at most six words for the conversation below: no quotes, no full stop, nothing else.';
export const TITLE_MAX_LENGTH = 60;
const TITLE_TIMEOUT_MS = 15_000;
// A long reply says little more about the topic than its start does.
const CONTEXT_CHARS = 2000;

export interface TitleJob {
	sessionId: string;
	firstMessage: string;
}

/** The model's answer as a title: one line, no quotes or "Title:", cut by code point. */
export function cleanTitle(raw: string): string {
	const unquote = (text: string) => text.replace(/^["'“‘«*\s]+|["'”’»*.\s]+$/g, '');
	const line = unquote(unquote(raw.replace(/\s+/g, ' ')).replace(/^title\s*:\s*/i, ''));
	const points = Array.from(line);
	return points.length <= TITLE_MAX_LENGTH
		? line
		: `${points
				.slice(0, TITLE_MAX_LENGTH - 1)
				.join('')
				.trimEnd()}…`;
}

async function askForTitle(chatModel: ChatModel, firstMessage: string, reply: string): Promise<string> {
	const parts = await streamModelCall({
		model: chatModel.model,
		system: TITLE_INSTRUCTIONS,
		messages: [
			{ role: 'user', content: firstMessage.slice(0, CONTEXT_CHARS) },
			{ role: 'assistant', content: reply.slice(0, CONTEXT_CHARS) },
			{ role: 'user', content: 'Write the title.' }
		],
		maxOutputTokens: 32,
		abortSignal: AbortSignal.timeout(TITLE_TIMEOUT_MS)
	});
	let text = '';
	for await (const part of parts) {
		if (part.type === 'text-delta') text += part.text;
		else if (part.type === 'error') throw part.error;
	}
	return text;
}

/**
 * Asks for a title and stores it, unless the chat was renamed meanwhile (its title is no longer
 * the stand-in). Resolves to the stored title, or null when it kept the stand-in; never rejects.
 */
export async function writeTitle(writer: ReplyWriter, chatModel: ChatModel, job: TitleJob, reply: string) {
	try {
		const title = cleanTitle(await askForTitle(chatModel, job.firstMessage, reply));
		if (!title) throw new Error('the model returned an empty title');
		return await setReplyTitle(writer, title, titleFrom(job.firstMessage));
	} catch (cause) {
		logFailure(`title for chat ${job.sessionId} from ${chatModel.provider}/${chatModel.id}`, cause);
		return null;
	}
}
