// The streaming path, used when JavaScript is on: stores the message (or its edit, a new version
// of a reply, or reopens a failed reply) and relays the model's reply as NDJSON events while it
// is written and saved. A turn another request is writing already (a resubmit, or a second tab's
// regeneration) is followed from the database instead. POST only, so a link or an <img> can
// never start a model call; the origin guard in hooks refuses other sites.
import { STREAM_CONTENT_TYPE } from '$lib/chat/stream-protocol';
import { streamRequestSchema } from '$lib/schemas/chat';
import { editMessage, postMessage, regenerateReply, restartReply } from '$lib/server/chat/messages';
import { followReply } from '$lib/server/chat/follow';
import { followFromWriter, startReply } from '$lib/server/chat/reply-writer';
import { checkImages, checkModel, historyBudget } from '$lib/server/chat/turn';
import { attachmentLimits } from '$lib/server/attachments/limits';
import { cleanFileName } from '$lib/server/attachments/names';
import { attachmentRows } from '$lib/server/attachments/prepare';
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
	const client = event.locals.supabase;
	try {
		if ('model' in request) checkModel(event, request.model);
		// Files come uploaded already (POST /api/attachments), described as the server made them.
		const files = 'attachments' in request ? request.attachments : [];
		const { maxFiles } = attachmentLimits();
		if (files.length > maxFiles) {
			throw new AppError('bad_request:file', {
				message: `A message can carry at most ${maxFiles} files.`
			});
		}
		if ('model' in request) checkImages(event, request.model, files);
		const attachments = attachmentRows(
			event.locals.user.id,
			files.map((file) => ({ ...file, name: cleanFileName(file.name) }))
		);
		const budget = historyBudget(event);
		const turn =
			'sourceId' in request
				? await editMessage(client, { ...request, budget })
				: 'regenerate' in request
					? await regenerateReply(client, request.regenerate, budget)
					: 'replyId' in request
						? { ...(await restartReply(client, request.replyId, budget)), replyId: request.replyId, isNew: true }
						: await postMessage(client, { ...request, budget, attachments });
		const { events, writer } = turn.isNew
			? await startReply(event, turn)
			: {
					events: (await followReply(client, turn.replyId, () => followFromWriter(event, turn.replyId))).events,
					writer: 'elsewhere'
				};
		return new Response(events, {
			headers: {
				'content-type': STREAM_CONTENT_TYPE,
				'cache-control': 'no-store',
				'x-accel-buffering': 'no',
				// Who writes the reply, for whoever looks into a reply that went wrong.
				'x-reply-writer': writer
			}
		});
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
