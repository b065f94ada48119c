// What a file is, decided by its bytes: a magic number (file-type) for images and PDFs, checked
// further by parsing an image's header (image-size), so a PNG signature on an HTML page is not an
// image; text is text when it is UTF-8 without NUL, whatever its name says. The name only tells
// text apart (Markdown, CSV, JSON, anything else as plain text).
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { IMAGE_TYPES } from '$lib/chat/attachments';
import { AppError } from '../errors';

export interface FileKind {
	kind: 'image' | 'document';
	mediaType: string;
}

const TEXT_BY_EXTENSION: Record<string, string> = {
	md: 'text/markdown',
	markdown: 'text/markdown',
	csv: 'text/csv',
	json: 'application/json'
};

const unsupported = (message: string) => new AppError('unsupported:file', { message });

const endsWith = (bytes: Uint8Array, tail: number[]) =>
	bytes.length >= tail.length && tail.every((byte, index) => bytes[bytes.length - tail.length + index] === byte);

/**
 * Whether an image is whole where its format says where it ends: PNG's IEND chunk, GIF's trailer,
 * WebP's RIFF length. (A JPEG may carry more after its end, as phones' motion photos do; its
 * header must parse, as every image's must.)
 */
function isWhole(mediaType: string, bytes: Uint8Array): boolean {
	if (mediaType === 'image/png') return endsWith(bytes, [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
	if (mediaType === 'image/gif') return endsWith(bytes, [0x3b]);
	if (mediaType === 'image/webp') {
		const riff = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
		return riff + 8 === bytes.length || riff + 9 === bytes.length;
	}
	return true;
}

/** The file's text, or null when it is not UTF-8 text. */
export function utf8Text(bytes: Uint8Array): string | null {
	if (bytes.includes(0)) return null;
	try {
		return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return null;
	}
}

export async function inspectFile(name: string, bytes: Uint8Array): Promise<FileKind> {
	const detected = await fileTypeFromBuffer(bytes);
	if (detected) {
		if ((IMAGE_TYPES as readonly string[]).includes(detected.mime)) {
			let parsed = false;
			try {
				parsed = Boolean(imageSize(bytes).width) && isWhole(detected.mime, bytes);
			} catch {
				// Below.
			}
			if (!parsed)
				throw unsupported(`${name} starts like a ${detected.ext.toUpperCase()} image but is not a valid one.`);
			return { kind: 'image', mediaType: detected.mime };
		}
		if (detected.mime === 'application/pdf') return { kind: 'document', mediaType: 'application/pdf' };
		throw unsupported(`${name} is a ${detected.ext.toUpperCase()} file, which Parley cannot read.`);
	}
	if (utf8Text(bytes) === null) throw unsupported(`${name} is not a kind of file Parley can read.`);
	const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
	return { kind: 'document', mediaType: TEXT_BY_EXTENSION[extension] ?? 'text/plain' };
}
