// The page of a chat before a message, for Show earlier messages in the browser, which puts it
// above what is shown; without JavaScript the chat page itself takes ?before=<message id>.
import { json } from '@sveltejs/kit';
import { chatId, versionSchema } from '$lib/schemas/chat';
import { withRenderedReplies } from '$lib/server/chat/render';
import { getSessionWithMessages } from '$lib/server/chat/sessions';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const id = chatId.safeParse(event.params.id);
	const before = versionSchema.shape.messageId.safeParse(event.url.searchParams.get('before'));
	if (!id.success || !before.success)
		return jsonFailure(event, new AppError('bad_request:body', { message: 'That page of messages does not exist.' }));
	try {
		const chat = await getSessionWithMessages(event.locals.supabase, id.data, { before: before.data });
		return json({ messages: withRenderedReplies(chat.messages), hasEarlier: chat.hasEarlier });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
