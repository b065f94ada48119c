// A file's name as a person gave it, made safe to store and show: no folders, no control
// characters, no lone surrogates, at most 255 characters, cut between characters. It is never
// part of a path: the bytes are stored under an id.
const MAX_NAME = 255;

export function cleanFileName(raw: string): string {
	const base = raw.replaceAll('\\', '/').split('/').pop() ?? '';
	const plain = base
		.normalize('NFC')
		.toWellFormed()
		.replace(/\p{Cc}/gu, '')
		.trim();
	const points = Array.from(plain);
	// By code point, as the column counts: an emoji at the cut is kept whole or dropped whole.
	const name = points.length > MAX_NAME ? points.slice(0, MAX_NAME).join('') : plain;
	return name && name !== '.' && name !== '..' ? name : 'file';
}
