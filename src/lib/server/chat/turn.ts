// What a chat action does, for the form actions and the streaming endpoint alike: store the
// message or reopen the failed reply, then have the model write the reply.
import type { RequestEvent } from '@sveltejs/kit';
import type { ReplyRequest } from '../ai/reply';
import { resolveChatModel } from '../ai/registry';
import { serverEnv } from '../env';
import type { HistoryMessage } from './client';

export function replyRequest(
	event: RequestEvent,
	replyId: string,
	history: HistoryMessage[],
	signal?: AbortSignal
): ReplyRequest {
	const env = serverEnv();
	return {
		client: event.locals.supabase,
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
