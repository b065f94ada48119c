// The model call behind a chat action, set up the same way for the form actions and the
// streaming endpoint: which model answers, with what prompt and limits, and how the reply is stored.
import type { RequestEvent } from '@sveltejs/kit';
import type { ReplyRequest } from '../ai/reply';
import { resolveChatModel } from '../ai/registry';
import { serverEnv } from '../env';
import { createDetachedClient } from '../supabase';
import type { HistoryMessage } from './types';

export async function replyRequest(
	event: RequestEvent,
	replyId: string,
	history: HistoryMessage[],
	signal?: AbortSignal
): Promise<ReplyRequest> {
	const env = serverEnv();
	return {
		// The reply is stored after the response may have gone, so not through the cookie client.
		writer: await createDetachedClient(event),
		chatModel: resolveChatModel(env, event.platform?.env),
		replyId,
		history,
		systemPrompt: env.AI_SYSTEM_PROMPT,
		timeoutMs: env.AI_TIMEOUT_MS,
		signal
	};
}

/** The label of the model that will answer, for the composer. */
export function modelLabel(event: RequestEvent): string {
	return resolveChatModel(serverEnv(), event.platform?.env).label;
}
