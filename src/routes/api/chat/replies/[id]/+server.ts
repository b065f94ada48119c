// GET: follows a reply being written, from its writer or the database (see follow.ts); the
// X-Reply-Follow header says which.
import { STREAM_CONTENT_TYPE } from '$lib/chat/stream-protocol';
import { chatId } from '$lib/schemas/chat';
import { followReply } from '$lib/server/chat/follow';
import { followFromWriter } from '$lib/server/chat/reply-writer';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	if (!event.locals.user) return jsonFailure(event, new AppError('unauthorized:session'));
	const replyId = chatId.safeParse(event.params.id);
	if (!replyId.success) return jsonFailure(event, new AppError('not_found:reply'));
	try {
		const { events, source } = await followReply(event.locals.supabase, replyId.data, () =>
			followFromWriter(event, replyId.data)
		);
		return new Response(events, {
			headers: {
				'content-type': STREAM_CONTENT_TYPE,
				'cache-control': 'no-store',
				'x-accel-buffering': 'no',
				'x-reply-follow': source
			}
		});
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
