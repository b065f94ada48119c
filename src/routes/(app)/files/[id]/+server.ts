// A file of the person's own chats, read with their own token: RLS decides (see serve.ts for how
// it is sent).
import { error } from '@sveltejs/kit';
import { fileResponse } from '$lib/server/attachments/serve';
import { storedFile } from '$lib/server/attachments/uploads';
import { loadFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	let file;
	try {
		file = await storedFile(event.locals.supabase, event.params.id, event.url.searchParams.has('small'));
	} catch (cause) {
		loadFailure(event, cause);
	}
	if (!file) error(404, 'That file does not exist, or it is not yours.');
	return fileResponse(file, event.url);
};
