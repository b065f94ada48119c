// A file chosen in the composer with JavaScript on: read, checked and stored at once, while the
// person goes on typing; the answer describes it for the message that will carry it. Without
// JavaScript, files travel with the form post instead (chat/actions.ts).
import { json } from '@sveltejs/kit';
import { attachmentLimits } from '$lib/server/attachments/limits';
import { storeAttachment } from '$lib/server/attachments/prepare';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const user = event.locals.user;
	if (!user) return jsonFailure(event, new AppError('unauthorized:session'));
	const limits = attachmentLimits();
	try {
		if (limits.maxFiles === 0) throw new AppError('unsupported:file', { message: 'This Parley does not take files.' });
		const length = Number(event.request.headers.get('content-length') ?? 0);
		if (length > limits.maxFileBytes + 500_000) {
			throw new AppError('too_large:file', { message: 'That file is too large to attach.' });
		}
		const form = await event.request.formData().catch(() => null);
		const file = form?.get('file');
		if (!file || typeof file === 'string')
			throw new AppError('bad_request:body', { message: 'Choose a file to attach.' });
		const thumbnail = form?.get('thumbnail');
		const small = thumbnail && typeof thumbnail !== 'string' ? thumbnail : undefined;
		const attachment = await storeAttachment(event.locals.supabase, user.id, file, limits, small);
		return json({ attachment }, { status: 201 });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
