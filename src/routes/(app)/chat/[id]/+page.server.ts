import { error } from '@sveltejs/kit';
import { chatId } from '$lib/schemas/chat';
import { retryReplyAction, sendMessageAction } from '$lib/server/chat/actions';
import { getSessionWithMessages } from '$lib/server/chat/sessions';
import { modelLabel } from '$lib/server/chat/turn';
import { AppError, errorMessage } from '$lib/server/errors';
import type { Actions, PageServerLoad } from './$types';

function parseChatId(value: string): string {
	const parsed = chatId.safeParse(value);
	if (!parsed.success) error(404, errorMessage('not_found:chat'));
	return parsed.data;
}

export const load: PageServerLoad = async (event) => {
	const id = parseChatId(event.params.id);
	try {
		const chat = await getSessionWithMessages(event.locals.supabase, id);
		return { chat, messageId: crypto.randomUUID(), modelLabel: modelLabel(event) };
	} catch (cause) {
		if (cause instanceof AppError) error(cause.status, cause.message);
		throw cause;
	}
};

export const actions: Actions = {
	send: (event) => sendMessageAction(event, parseChatId(event.params.id)),
	retry: (event) => retryReplyAction(event)
};
