// The streaming path, used when JavaScript is on: stores the message (or reopens a failed reply)
// and relays the model's reply as NDJSON events while it is written and saved. POST only, so a
// link or an <img> can never start a model call; the origin guard in hooks refuses other sites.
import { STREAM_CONTENT_TYPE } from '$lib/chat/stream-protocol';
import { streamRequestSchema } from '$lib/schemas/chat';
import { postMessage, restartReply } from '$lib/server/chat/messages';
import { replyStream } from '$lib/server/chat/stream';
import { checkModel } from '$lib/server/chat/turn';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	if (!event.locals.user) return jsonFailure(event, new AppError('unauthorized:session'));

	const body = await event.request.json().catch(() => null);
	const parsed = streamRequestSchema.safeParse(body);
	if (!parsed.success) {
		const message = parsed.error.issues[0]?.message ?? 'That request could not be read.';
		return jsonFailure(event, new AppError('bad_request:body', { message }));
	}

	const request = parsed.data;
	try {
		if ('model' in request) checkModel(event, request.model);
		const turn =
			'replyId' in request
				? { ...(await restartReply(event.locals.supabase, request.replyId)), replyId: request.replyId, isNew: true }
				: await postMessage(event.locals.supabase, request);
		return new Response(await replyStream(event, turn), {
			headers: { 'content-type': STREAM_CONTENT_TYPE, 'cache-control': 'no-store', 'x-accel-buffering': 'no' }
		});
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
