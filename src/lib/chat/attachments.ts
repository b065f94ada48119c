// What the page knows of a message's files, shared by the server and the browser (no zod here).

/** A file of a message, as a chat page shows it. */
export interface AttachmentInfo {
	/** Absent for a file shown with its message before the chat was loaded again. */
	id?: string;
	name: string;
	mediaType: string;
	kind: 'image' | 'document';
	sizeBytes: number;
	/** A document whose text was too long for the model: it reads the start only. */
	textCut: boolean;
	/** In the tab that sent it, until the chat is loaded again: the browser's own copy of an image. */
	preview?: string;
	/** An image with a small copy, which the conversation shows (the whole one opens from it). */
	thumbnail?: boolean;
}

/**
 * A file uploaded from the composer and not yet sent: the server read it, stored its bytes, and
 * hands back what the message will record. `objectId` names its bytes in the person's folder.
 */
export interface UploadedAttachment extends Omit<AttachmentInfo, 'id'> {
	objectId: string;
	sha256: string;
	/** A document's text, as the model will read it. */
	textContent?: string;
}

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
/** What Parley reads as text: these go to the model after the message. */
export const DOCUMENT_TYPES = [
	'application/pdf',
	'text/plain',
	'text/markdown',
	'text/csv',
	'application/json'
] as const;

/** "1.2 MB", "340 KB", "12 bytes": a file's size as people read it (decimal units). */
export function formatBytes(bytes: number): string {
	if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
	if (bytes < 1e6) return `${Math.round(bytes / 1000)} KB`;
	return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
