// A file of the person's own chats: images shown in place, documents downloaded. Served from
// Parley's origin with the person's own token (RLS decides), never as a page: a file cannot run
// script here, whatever it holds.
import { error } from '@sveltejs/kit';
import { storedFile } from '$lib/server/attachments/uploads';
import { loadFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	let file;
	try {
		file = await storedFile(event.locals.supabase, event.params.id);
	} catch (cause) {
		loadFailure(event, cause);
	}
	if (!file) error(404, 'That file does not exist, or it is not yours.');
	const inline = file.kind === 'image' && !event.url.searchParams.has('download');
	const encoded = encodeURIComponent(file.name);
	return new Response(file.bytes, {
		headers: {
			'content-type': file.mediaType,
			'content-length': String(file.bytes.size),
			'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encoded}`,
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
			// A file's bytes never change under its id; only its owner's browser keeps them.
			'cache-control': 'private, max-age=31536000, immutable'
		}
	});
};
