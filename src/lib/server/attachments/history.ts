// The images of a reply's history, for its model call: the turn functions return each message's
// files with it (private.message_files), and here one request to Storage makes links that let
// the writer fetch the images for a few minutes, wherever it runs (a Durable Object holds no
// person's token). A history without images costs nothing.
import type { ChatClient, HistoryMessage } from '../chat/types';
import { signedUrls } from './storage';

// Long enough for a reply's model call to start, and no longer.
const LINK_SECONDS = 600;

export async function withImageLinks(client: ChatClient, history: HistoryMessage[]): Promise<HistoryMessage[]> {
	const paths = history.flatMap((message) =>
		(message.attachments ?? []).flatMap((file) => (file.kind === 'image' && !file.url ? [file.path] : []))
	);
	if (!paths.length) return history;
	const links = await signedUrls(client, paths, LINK_SECONDS);
	return history.map((message) =>
		message.attachments
			? {
					...message,
					attachments: message.attachments.map((file) =>
						file.kind === 'image' ? { ...file, url: file.url ?? links.get(file.path) } : file
					)
				}
			: message
	);
}
