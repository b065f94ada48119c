// A document's text, as the model reads it: a PDF's through unpdf (PDF.js built for workers,
// loaded only when a PDF arrives), a text file's as it is. Cut to the operator's limit.
import { AppError } from '../errors';
import { utf8Text } from './inspect';

export interface DocumentText {
	text: string;
	cut: boolean;
}

async function pdfText(name: string, bytes: Uint8Array): Promise<string> {
	const { extractText, getDocumentProxy } = await import('unpdf');
	let text: string;
	try {
		const pdf = await getDocumentProxy(new Uint8Array(bytes));
		text = (await extractText(pdf, { mergePages: true })).text;
	} catch (cause) {
		throw new AppError('bad_request:file', { cause, message: `${name} could not be read as a PDF.` });
	}
	if (!text.trim()) {
		throw new AppError('bad_request:file', {
			message: `${name} has no text to read (is it a scan?). Attach the pages as images instead.`
		});
	}
	return text;
}

/** Cuts at `chars` UTF-16 units, never between the halves of an emoji. */
function cutTo(text: string, chars: number): DocumentText {
	if (text.length <= chars) return { text, cut: false };
	const start = text.slice(0, chars);
	return { text: /[\uD800-\uDBFF]$/.test(start) ? start.slice(0, -1) : start, cut: true };
}

export async function documentText(
	name: string,
	mediaType: string,
	bytes: Uint8Array,
	chars: number
): Promise<DocumentText> {
	const raw = mediaType === 'application/pdf' ? await pdfText(name, bytes) : (utf8Text(bytes) ?? '');
	// Postgres cannot store NUL, and a PDF's text may hold one.
	return cutTo(raw.replaceAll('\0', '').toWellFormed(), chars);
}
