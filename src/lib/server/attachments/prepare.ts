// One file from the composer, read, checked and stored: what the upload endpoint does for each
// file chosen with JavaScript, and the form action for each file of a post without it.
import type { UploadedAttachment } from '$lib/chat/attachments';
import { formatBytes } from '$lib/chat/attachments';
import type { ChatClient } from '../chat/types';
import { AppError } from '../errors';
import { documentText } from './documents';
import { inspectFile } from './inspect';
import type { AttachmentLimits } from './limits';
import { cleanFileName } from './names';
import { objectPath, putObject, removeObjects, thumbnailPath } from './storage';

const TYPE_WORDS: Record<string, string> = {
	'image/png': 'PNG',
	'image/jpeg': 'JPEG',
	'image/webp': 'WebP',
	'image/gif': 'GIF',
	'application/pdf': 'PDF',
	'text/plain': 'text',
	'text/markdown': 'Markdown',
	'text/csv': 'CSV',
	'application/json': 'JSON'
};

async function sha256(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Checks a file against the limits, by its bytes, before anything is stored. */
export async function readAttachment(file: File, limits: AttachmentLimits) {
	const name = cleanFileName(file.name);
	if (file.size === 0) throw new AppError('bad_request:file', { message: `${name} is empty.` });
	if (file.size > limits.maxFileBytes) {
		throw new AppError('too_large:file', {
			message: `${name} is ${formatBytes(file.size)}; files can be at most ${formatBytes(limits.maxFileBytes)}.`
		});
	}
	const bytes = new Uint8Array(await file.arrayBuffer());
	const { kind, mediaType } = await inspectFile(name, bytes);
	if (!limits.accepted.has(mediaType)) {
		throw new AppError('unsupported:file', {
			message: `${name} is a ${TYPE_WORDS[mediaType] ?? mediaType} file, which this Parley does not take.`
		});
	}
	const text = kind === 'document' ? await documentText(name, mediaType, bytes, limits.textChars) : undefined;
	return { name, bytes, kind, mediaType, text };
}

type ReadAttachment = Awaited<ReturnType<typeof readAttachment>>;

async function storeRead(client: ChatClient, userId: string, read: ReadAttachment): Promise<UploadedAttachment> {
	const objectId = crypto.randomUUID();
	await putObject(client, objectPath(userId, objectId), read.bytes, read.mediaType, read.name);
	return {
		objectId,
		name: read.name,
		mediaType: read.mediaType,
		kind: read.kind,
		sizeBytes: read.bytes.byteLength,
		sha256: await sha256(read.bytes),
		textCut: read.text?.cut ?? false,
		...(read.text ? { textContent: read.text.text } : {})
	};
}

// An image's small copy is made by the browser that sends it: at most this large, and an image.
const THUMBNAIL_MAX_BYTES = 300_000;

/**
 * One file chosen with JavaScript, with the small copy of an image its browser made, if any. A
 * small copy that is not an image, or too large, is left out: the whole image then shows.
 */
export async function storeAttachment(
	client: ChatClient,
	userId: string,
	file: File,
	limits: AttachmentLimits,
	thumbnail?: File
): Promise<UploadedAttachment> {
	const stored = await storeRead(client, userId, await readAttachment(file, limits));
	if (stored.kind !== 'image' || !thumbnail || thumbnail.size > THUMBNAIL_MAX_BYTES) return stored;
	try {
		const small = await readAttachment(thumbnail, { ...limits, maxFileBytes: THUMBNAIL_MAX_BYTES });
		if (small.kind !== 'image') return stored;
		await putObject(client, thumbnailPath(userId, stored.objectId), small.bytes, small.mediaType, stored.name);
		return { ...stored, thumbnail: true };
	} catch {
		// Without its small copy, the whole image shows.
		return stored;
	}
}

/**
 * Every file of a post without JavaScript, checked first and then stored, so a refused file
 * stores none. A failure part way removes what was stored.
 */
export async function storeAttachments(
	client: ChatClient,
	userId: string,
	files: File[],
	limits: AttachmentLimits,
	/** Sees what the files are once read, and may refuse them before any is stored. */
	beforeStore: (kinds: { kind: 'image' | 'document' }[]) => void = () => {}
): Promise<UploadedAttachment[]> {
	if (files.length > limits.maxFiles) {
		throw new AppError('bad_request:file', {
			message: `A message can carry at most ${limits.maxFiles} files; this one has ${files.length}.`
		});
	}
	const reads: ReadAttachment[] = [];
	for (const file of files) reads.push(await readAttachment(file, limits));
	beforeStore(reads);
	const stored: UploadedAttachment[] = [];
	try {
		for (const read of reads) stored.push(await storeRead(client, userId, read));
	} catch (cause) {
		await discardUploads(client, userId, stored);
		throw cause;
	}
	return stored;
}

/** Removes uploaded files a message never took (a refused or repeated post); best effort. */
export async function discardUploads(client: ChatClient, userId: string, uploads: UploadedAttachment[]): Promise<void> {
	if (!uploads.length) return;
	await removeObjects(
		client,
		uploads.map((upload) => objectPath(userId, upload.objectId))
	).catch(() => {});
}

export interface AttachmentRow {
	thumbnail_path: string | null;
	name: string;
	media_type: string;
	kind: 'image' | 'document';
	size_bytes: number;
	sha256: string;
	object_path: string;
	text_content: string | null;
	text_cut: boolean;
}

/** The rows post_message stores with the message (see chat_attachments). */
export const attachmentRows = (userId: string, uploads: UploadedAttachment[]): AttachmentRow[] =>
	uploads.map((upload) => ({
		thumbnail_path: upload.thumbnail ? thumbnailPath(userId, upload.objectId) : null,
		name: upload.name,
		media_type: upload.mediaType,
		kind: upload.kind,
		size_bytes: upload.sizeBytes,
		sha256: upload.sha256,
		object_path: objectPath(userId, upload.objectId),
		text_content: upload.textContent ?? null,
		text_cut: upload.textCut
	}));
