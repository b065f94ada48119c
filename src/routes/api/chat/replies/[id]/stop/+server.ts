// POST: stops a reply, from any tab. The origin guard in hooks refuses other sites.
import { json } from '@sveltejs/kit';
import { chatId } from '$lib/schemas/chat';
import { stopReply } from '$lib/server/chat/messages';
import { stopWriting } from '$lib/server/chat/reply-writer';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	if (!event.locals.user) return jsonFailure(event, new AppError('unauthorized:session'));
	const replyId = chatId.safeParse(event.params.id);
	if (!replyId.success) return jsonFailure(event, new AppError('not_found:reply'));
	try {
		const status = await stopReply(event.locals.supabase, replyId.data);
		// Only after the database has recorded it under RLS: a foreign id never reaches here.
		await stopWriting(event, replyId.data);
		return json({ status });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
