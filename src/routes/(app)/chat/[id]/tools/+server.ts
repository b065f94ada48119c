// The tools Chat settings lists, for the dialog opened in the browser; without JavaScript the chat
// page renders them itself from ?settings.
import { json } from '@sveltejs/kit';
import { chatId } from '$lib/schemas/chat';
import { serverEnv } from '$lib/server/env';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import { chatToolChoices } from '$lib/server/tools/choices';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const id = chatId.safeParse(event.params.id);
	if (!id.success) return jsonFailure(event, new AppError('not_found:chat'));
	try {
		const choices = await chatToolChoices(event.locals.supabase, serverEnv().tools, id.data, event.request.signal);
		return json(choices, { headers: { 'cache-control': 'private, no-store' } });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
