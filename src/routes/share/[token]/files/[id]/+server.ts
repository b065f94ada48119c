// A file of a shared chat, for anyone holding the share's link: read with the share's token as
// the only authority (see the shared_files migration), and served as the owner's own files are.
import { error } from '@sveltejs/kit';
import { fileResponse } from '$lib/server/attachments/serve';
import { getSharedFile } from '$lib/server/chat/shares';
import { loadFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	let file;
	try {
		file = await getSharedFile(event.params.token, event.params.id, event.url.searchParams.has('small'));
	} catch (cause) {
		loadFailure(event, cause);
	}
	if (!file) error(404, 'That file is not part of this share, or the share was revoked.');
	// Not kept: once the share is revoked, the file is gone from it.
	return fileResponse(file, event.url, { 'x-robots-tag': 'noindex, nofollow', 'cache-control': 'private, no-store' });
};
