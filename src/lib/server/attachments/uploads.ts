// Files as a chat shows them: an upload taken back before sending, a stored file served to its
// owner, and the files of chats being deleted.
import { z } from 'zod';
import type { ChatClient } from '../chat/types';
import { AppError, fromPostgrest } from '../errors';
import { ATTACHMENTS_BUCKET, getObject, objectPath, removeObjects, thumbnailPath } from './storage';

const uuid = z.uuid();

/** Takes back an upload no message holds yet; one a message holds stays with it. */
export async function deleteUpload(client: ChatClient, userId: string, objectId: string): Promise<void> {
	if (!uuid.safeParse(objectId).success)
		throw new AppError('bad_request:body', { message: 'That file id is not valid.' });
	const path = objectPath(userId, objectId);
	const { data, error } = await client.from('chat_attachments').select('id').eq('object_path', path).limit(1);
	if (error) throw fromPostgrest(error);
	if (data.length) return;
	await removeObjects(client, [path, thumbnailPath(userId, objectId)]);
}

export interface ServedFile {
	name: string;
	mediaType: string;
	kind: string;
	bytes: Blob;
}

/**
 * A stored file's bytes, or its small copy's when asked and there is one (else the whole file).
 * `client` reads them: the person's own, or a share's.
 */
export async function fileBytes(
	client: ChatClient,
	row: { name: string; media_type: string; kind: string; object_path: string; thumbnail_path: string | null },
	small: boolean
): Promise<ServedFile | null> {
	const thumbnail = small && row.thumbnail_path ? await getObject(client, row.thumbnail_path) : null;
	const bytes = thumbnail ?? (await getObject(client, row.object_path));
	if (!bytes) return null;
	return { name: row.name, mediaType: thumbnail ? bytes.type || 'image/webp' : row.media_type, kind: row.kind, bytes };
}

/** A stored file of the person's, by its row's id; null when it is not theirs, or gone. */
export async function storedFile(client: ChatClient, id: string, small = false): Promise<ServedFile | null> {
	if (!uuid.safeParse(id).success) return null;
	const { data, error } = await client
		.from('chat_attachments')
		.select('name, media_type, kind, object_path, thumbnail_path')
		.eq('id', id)
		.maybeSingle();
	if (error) throw fromPostgrest(error);
	return data ? fileBytes(client, data, small) : null;
}

/**
 * Before chats go (one, or all of them), their files' bytes go from Storage: a row's delete in
 * the database cannot reach them. A failure here stops the delete, so no bytes are left behind
 * without a row that names them.
 */
export async function removeChatFiles(client: ChatClient, sessionId?: string): Promise<void> {
	let query = client.from('chat_attachments').select('object_path, thumbnail_path');
	if (sessionId) query = query.eq('session_id', sessionId);
	const { data, error } = await query;
	if (error) throw fromPostgrest(error);
	const paths = [
		...new Set(data.flatMap((row) => [row.object_path, ...(row.thumbnail_path ? [row.thumbnail_path] : [])]))
	];
	if (paths.length) await removeObjects(client, paths);
}

/** Every file in the person's folder, sent or not: what deleting their account removes first. */
export async function removeAllFiles(client: ChatClient, userId: string): Promise<void> {
	for (let page = 0; page < 100; page++) {
		const { data, error } = await client.storage.from(ATTACHMENTS_BUCKET).list(userId, { limit: 1000 });
		if (error) throw new AppError('unavailable:storage', { cause: error });
		const files = data.filter((entry) => entry.id);
		if (!files.length) return;
		await removeObjects(
			client,
			files.map((file) => objectPath(userId, file.name))
		);
	}
}
