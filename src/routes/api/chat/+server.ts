// The streaming path, used when JavaScript is on: stores the message (or reopens a failed reply)
// and relays the model's reply as NDJSON events while it is written and saved. POST only, so a
// link or an <img> can never start a model call; the origin guard in hooks refuses other sites.
import { json } from '@sveltejs/kit';
import { STREAM_CONTENT_TYPE } from '$lib/chat/stream-protocol';
import { streamRequestSchema } from '$lib/schemas/chat';
import { postMessage, restartReply } from '$lib/server/chat/messages';
import { replyStream } from '$lib/server/chat/stream';
import { AppError, errorMessage, type ErrorCode } from '$lib/server/errors';
import type { RequestHandler } from './$types';

const fault = (code: ErrorCode | 'bad_request:body', status: number, message: string) =>
	json({ error: { code, message } }, { status });

export const POST: RequestHandler = async (event) => {
	if (!event.locals.user) return fault('unauthorized:session', 401, errorMessage('unauthorized:session'));

	const body = await event.request.json().catch(() => null);
	const parsed = streamRequestSchema.safeParse(body);
	if (!parsed.success) return fault('bad_request:body', 400, parsed.error.issues[0]?.message ?? 'Bad request.');

	const request = parsed.data;
	try {
		const turn =
			'replyId' in request
				? { ...(await restartReply(event.locals.supabase, request.replyId)), replyId: request.replyId, isNew: true }
				: await postMessage(event.locals.supabase, request);
		return new Response(replyStream(event, turn), {
			headers: { 'content-type': STREAM_CONTENT_TYPE, 'cache-control': 'no-store', 'x-accel-buffering': 'no' }
		});
	} catch (error) {
		if (error instanceof AppError) return fault(error.code, error.status, error.message);
		throw error;
	}
};
