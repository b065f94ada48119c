// The model call behind a chat action, set up the same way for the form actions and the
// streaming endpoint: which model answers, with what prompt and limits, and how the reply is stored.
import type { RequestEvent } from '@sveltejs/kit';
import type { ReplyOutcome, ReplyRequest } from '../ai/reply';
import { writeTitle } from '../ai/title';
import type { ModelPicker } from '$lib/chat/model-picker';
import { modelRegistry } from '../ai/registry';
import { serverEnv } from '../env';
import { AppError } from '../errors';
import { writerClient } from '../supabase';
import { contextChars } from '../ai/context';
import type { ChatSettings, HistoryBudget } from './messages';
import type { HistoryMessage } from './types';

/** What a reply's writing needs of a request: its platform (bindings, waitUntil), and nothing else. */
export type OnPlatform = Pick<RequestEvent, 'platform'>;

export const chatModels = (event: OnPlatform) => modelRegistry(serverEnv(), event.platform?.env);

/** Refuses a model id the picker does not offer (any more), before anything is stored. */
export function checkModel(event: RequestEvent, model: string | undefined): void {
	if (model !== undefined && !chatModels(event).has(model)) throw new AppError('bad_request:model');
}

/** Refuses images for a model that cannot read them, before anything is stored. */
export function checkImages(event: RequestEvent, model: string | null | undefined, files: { kind: string }[]): void {
	if (!files.some((file) => file.kind === 'image')) return;
	const { config } = chatModels(event).pick(model);
	if (!config.images) {
		throw new AppError('bad_request:model_images', {
			message: `${config.label} does not take images. Pick a model that does, or remove the images.`
		});
	}
}

/** The operator's prompt applies to every chat; a chat's own prompt follows it. */
export function systemPromptFor(operatorPrompt: string | undefined, chatPrompt: string | null): string | undefined {
	return [operatorPrompt, chatPrompt].filter(Boolean).join('\n\n') || undefined;
}

/**
 * How much of a chat the turn functions read, for whichever model answers it: the characters each
 * configured model can take, and the default model's for a chat whose model is not configured
 * (see private.budget_chars). The chat's own system prompt is left out here, so the bound is
 * only ever generous; fitToContext trims exactly.
 */
export function historyBudget(event: RequestEvent): HistoryBudget {
	const registry = chatModels(event);
	const system = serverEnv().AI_SYSTEM_PROMPT;
	const chars = (id: string | null) => {
		const { config } = registry.pick(id);
		return contextChars({ contextTokens: config.contextTokens, maxOutputTokens: config.maxOutputTokens, system });
	};
	return { default: chars(null), models: Object.fromEntries(registry.models.map(({ id }) => [id, chars(id)])) };
}

export function replyRequest(
	event: OnPlatform,
	turn: {
		sessionId: string;
		replyId: string;
		writerToken: string | null;
		history: HistoryMessage[];
		wholeChat: boolean;
		settings: ChatSettings;
		isVersion?: boolean;
	},
	signal?: AbortSignal
): ReplyRequest {
	const env = serverEnv();
	const asked = turn.history.filter((message) => message.role === 'user');
	// A chat is named after its first reply; a new version of that turn finds it named already.
	// The history can be cut short by the budget; only a whole one tells a first turn apart.
	const firstTurn = turn.wholeChat && asked.length === 1 && !turn.isVersion;
	return {
		title: firstTurn ? { sessionId: turn.sessionId, firstMessage: asked[0].content } : undefined,
		// The reply is stored after the response may have gone, and may outlast the person's access
		// token: the writer holds the reply's own writer token instead (a resubmit has none, and
		// writes nothing).
		writer: { client: writerClient(), replyId: turn.replyId, token: turn.writerToken ?? '' },
		chatModel: chatModels(event).chatModel(turn.settings.model),
		replyId: turn.replyId,
		history: turn.history,
		systemPrompt: systemPromptFor(env.AI_SYSTEM_PROMPT, turn.settings.systemPrompt),
		timeoutMs: env.AI_TIMEOUT_MS,
		tools: env.tools,
		signal
	};
}

export function modelPicker(event: RequestEvent, chatModel: string | null = null): ModelPicker {
	const registry = chatModels(event);
	const { config: chosen, unavailable } = registry.pick(chatModel);
	return {
		options: registry.options,
		selected: chosen.id,
		notice: unavailable
			? `This chat used ${unavailable}, which is no longer offered here. Replies now come from ${chosen.label}.`
			: null
	};
}

/**
 * After a chat's first complete reply, starts writing its title in the background (kept alive on
 * Workers by waitUntil). Resolves to the stored title or null; null at once when there is none to write.
 */
export function titleAfter(event: OnPlatform, request: ReplyRequest, outcome: ReplyOutcome): Promise<string | null> {
	if (!request.title || outcome.status !== 'complete') return Promise.resolve(null);
	const job = writeTitle(request.writer, request.chatModel, request.title, outcome.content);
	event.platform?.ctx?.waitUntil(job);
	return job;
}
