// Remove, on a file chip before sending: its bytes go, unless a message holds them already.
import { deleteUpload } from '$lib/server/attachments/uploads';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = async (event) => {
	const user = event.locals.user;
	if (!user) return jsonFailure(event, new AppError('unauthorized:session'));
	try {
		await deleteUpload(event.locals.supabase, user.id, event.params.id);
		return new Response(null, { status: 204 });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
