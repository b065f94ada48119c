// A file the composer uploaded and now sends with its message (see attachments/prepare.ts). The
// server made this description; coming back from the browser it is checked again, and it can only
// ever name bytes in the sender's own folder (the path is built from their id, and the database's
// policies hold it there).
import { z } from 'zod';
import { DOCUMENT_TYPES, IMAGE_TYPES } from '$lib/chat/attachments';

export const uploadedAttachmentSchema = z
	.object({
		objectId: z.uuid(),
		name: z.string().min(1).max(1000),
		mediaType: z.enum([...IMAGE_TYPES, ...DOCUMENT_TYPES]),
		kind: z.enum(['image', 'document']),
		sizeBytes: z.number().int().positive(),
		sha256: z.string().regex(/^[0-9a-f]{64}$/),
		textCut: z.boolean(),
		textContent: z.string().max(1_000_000).optional(),
		thumbnail: z.boolean().optional()
	})
	.refine((file) => (file.kind === 'image') === (IMAGE_TYPES as readonly string[]).includes(file.mediaType), {
		error: 'That file’s kind does not match its type.'
	})
	.refine((file) => (file.kind === 'document') === (file.textContent !== undefined), {
		error: 'A document comes with its text, and an image without.'
	})
	.refine((file) => !file.thumbnail || file.kind === 'image', { error: 'Only an image has a small copy.' });

/** At most this many; the operator's own lower limit is checked where the files are used. */
export const attachmentsSchema = z.array(uploadedAttachmentSchema).max(50).default([]);
