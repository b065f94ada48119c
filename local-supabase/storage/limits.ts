// Names, sizes and types as storage-api checks them.
import { invalidBucketName, invalidKey, invalidMimeType, invalidRequest, tooLarge } from './errors.ts';

const KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;
const BUCKET = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]+$/;

export function checkKey(key: string): string {
	if (!key || !KEY.test(key)) throw invalidKey(key);
	return key;
}

export function checkBucketName(name: unknown): string {
	if (typeof name !== 'string' || name.length > 100 || name.trim() !== name || !BUCKET.test(name)) {
		throw invalidBucketName();
	}
	return name;
}

const DECIMAL: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };

/** A bucket's `file_size_limit`: bytes, or "20MB" in decimal units (storage-api's reading). */
export function parseBucketSize(value: unknown, globalLimit: number): number | null | undefined {
	if (value === undefined) return undefined;
	if (value === null) return null;
	let bytes: number;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) bytes = value;
	else if (typeof value === 'string') {
		const match = /^(\d+(?:\.\d+)?)(gb|mb|kb|b)$/i.exec(value.trim());
		if (!match) throw invalidRequest('Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B');
		bytes = Math.round(Number(Number(match[1]).toPrecision(3)) * DECIMAL[match[2].toLowerCase()]);
	} else throw invalidRequest('Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B');
	if (bytes > globalLimit) throw tooLarge();
	return bytes;
}

const MIME_ENTRY = /^([a-zA-Z0-9!#$&^_.+-]+\/(?:[a-zA-Z0-9!#$&^_.+-]+|\*))(\s*;\s*charset=[a-zA-Z0-9_.-]+)?$/;

export function parseMimeTypes(value: unknown): string[] | null | undefined {
	if (value === undefined || value === null) return value;
	if (!Array.isArray(value)) throw invalidRequest('allowed_mime_types must be an array');
	const entries = value.filter((entry) => entry !== '');
	for (const entry of entries) {
		if (typeof entry !== 'string' || !(MIME_ENTRY.test(entry) || entry.endsWith('*')))
			throw invalidMimeType(String(entry));
	}
	return entries as string[];
}

/** The allowed-types check: the type/subtype pair as sent, parameters included. */
export function checkMimeType(contentType: string, allowed: string[] | null): void {
	if (!allowed?.length) return;
	const slash = contentType.indexOf('/');
	if (slash < 0) throw invalidMimeType(contentType);
	const [type, subtype] = [contentType.slice(0, slash), contentType.slice(slash + 1)];
	const ok = allowed.some((entry) => {
		const at = entry.indexOf('/');
		const [allowedType, allowedSubtype] = [entry.slice(0, at), entry.slice(at + 1)];
		return allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype);
	});
	if (!ok) throw invalidMimeType(contentType);
}
