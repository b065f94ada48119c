// The attachments bucket, through storage-js with the person's own client: their JWT decides,
// under the bucket's policies (supabase/migrations/*_attachments.sql). Bytes live at
// `<user id>/<object id>`; nothing of a file's name is ever part of its path.
import type { ChatClient } from '../chat/types';
import { AppError } from '../errors';
import { formatBytes } from '$lib/chat/attachments';

export const ATTACHMENTS_BUCKET = 'attachments';

export const objectPath = (userId: string, objectId: string) => `${userId}/${objectId}`;
export const thumbnailPath = (userId: string, objectId: string) => `${userId}/${objectId}-small`;

interface StorageFailure {
	message?: string;
	statusCode?: string;
	status?: number;
}

const isUnreachable = (error: StorageFailure) =>
	!error.statusCode && !error.status ? true : Number(error.statusCode ?? error.status) >= 500;

/** How much the person's files take, and what their plan allows. */
export async function storageUsage(client: ChatClient): Promise<{ used: number; limit: number } | null> {
	const { data } = await client.rpc('storage_usage');
	const row = data?.[0];
	return row ? { used: row.used_bytes, limit: row.limit_bytes } : null;
}

export async function putObject(
	client: ChatClient,
	path: string,
	bytes: Uint8Array,
	mediaType: string,
	name: string
): Promise<void> {
	const { error } = await client.storage
		.from(ATTACHMENTS_BUCKET)
		.upload(path, bytes, { contentType: mediaType, upsert: false, cacheControl: '31536000' });
	if (!error) return;
	const failure = error as StorageFailure;
	if (failure.statusCode === '403') {
		// The one refusal a person's own upload meets in their own folder: no room left.
		const usage = await storageUsage(client);
		if (usage && usage.used >= usage.limit) {
			throw new AppError('limit:storage', {
				cause: error,
				message: `${name} was not stored: your files already use ${formatBytes(usage.used)} of the ${formatBytes(usage.limit)} you have here. Delete chats with files to make room.`
			});
		}
	}
	if (failure.statusCode === '413')
		throw new AppError('too_large:file', { cause: error, message: `${name} is too large.` });
	throw new AppError(isUnreachable(failure) ? 'unavailable:storage' : 'internal', { cause: error });
}

/** Removes objects from the person's folder; those already gone are no error. */
export async function removeObjects(client: ChatClient, paths: string[]): Promise<void> {
	for (let start = 0; start < paths.length; start += 1000) {
		const { error } = await client.storage.from(ATTACHMENTS_BUCKET).remove(paths.slice(start, start + 1000));
		if (error)
			throw new AppError(isUnreachable(error as StorageFailure) ? 'unavailable:storage' : 'internal', { cause: error });
	}
}

/** A file's bytes, read as the person (RLS decides); null when it is gone. */
export async function getObject(client: ChatClient, path: string): Promise<Blob | null> {
	const { data, error } = await client.storage.from(ATTACHMENTS_BUCKET).download(path);
	if (!error) return data;
	const failure = error as StorageFailure;
	if (failure.statusCode === '404' || failure.status === 400 || failure.status === 404) return null;
	throw new AppError(isUnreachable(failure) ? 'unavailable:storage' : 'internal', { cause: error });
}

/** Links that open the person's files for a few minutes, for a reply's model call to fetch. */
export async function signedUrls(client: ChatClient, paths: string[], seconds: number): Promise<Map<string, string>> {
	const urls = new Map<string, string>();
	if (!paths.length) return urls;
	const { data, error } = await client.storage.from(ATTACHMENTS_BUCKET).createSignedUrls(paths, seconds);
	if (error)
		throw new AppError(isUnreachable(error as StorageFailure) ? 'unavailable:storage' : 'internal', { cause: error });
	for (const entry of data) if (entry.path && entry.signedUrl) urls.set(entry.path, entry.signedUrl);
	return urls;
}
