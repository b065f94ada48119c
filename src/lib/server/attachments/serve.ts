// How a stored file goes to a browser, on the owner's chat and on a share page alike: images in
// place, documents as downloads, never as a page that could run script from Parley's origin.
import type { ServedFile } from './uploads';

export function fileResponse(file: ServedFile, url: URL, extra: Record<string, string> = {}): Response {
	const inline = file.kind === 'image' && !url.searchParams.has('download');
	const encoded = encodeURIComponent(file.name);
	return new Response(file.bytes, {
		headers: {
			'content-type': file.mediaType,
			'content-length': String(file.bytes.size),
			'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encoded}`,
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
			// A file's bytes never change under its id; only the viewer's browser keeps them.
			'cache-control': 'private, max-age=31536000, immutable',
			...extra
		}
	});
}
