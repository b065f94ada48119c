// Request bodies: JSON for the API's own calls, and the two forms an upload comes in (a raw body,
// or multipart/form-data with the file under any field name), never parsed beyond what is needed.
import type { Context } from 'hono';
import { invalidRequest, tooLarge } from './errors.ts';

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
	const text = await c.req.text();
	if (!text.trim()) return {};
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw invalidRequest('Body is not valid JSON');
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRequest('body must be object');
	return value as Record<string, unknown>;
}

export interface Upload {
	body: ReadableStream<Uint8Array> | Uint8Array;
	contentType: string;
	cacheControl: string;
	userMetadata: Record<string, unknown>;
}

// A multipart body may carry this much besides the file itself before it counts as too large.
const MULTIPART_OVERHEAD = 1024 * 1024;

function parseMetadata(text: string | null | undefined): Record<string, unknown> | undefined {
	if (!text) return undefined;
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

/** Reads at most `cap` bytes of a body, or fails with 413. */
async function readCapped(body: ReadableStream<Uint8Array>, cap: number): Promise<Buffer<ArrayBuffer>> {
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
		size += chunk.length;
		if (size > cap) throw tooLarge();
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

export async function readUpload(c: Context, limit: number): Promise<Upload> {
	const contentType = c.req.header('content-type') ?? '';
	const length = c.req.header('content-length');
	const body = c.req.raw.body;
	if (!body) throw invalidRequest('No content provided');
	if (/^multipart\/form-data/i.test(contentType)) {
		if (length !== undefined && Number(length) > limit + MULTIPART_OVERHEAD) throw tooLarge();
		const raw = await readCapped(body, limit + MULTIPART_OVERHEAD);
		let form: FormData;
		try {
			form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
		} catch {
			throw invalidRequest('The multipart body could not be read');
		}
		const file = [...form.values()].find((value): value is File => typeof value !== 'string');
		if (!file) throw invalidRequest('No content provided');
		if (file.size > limit) throw tooLarge();
		const field = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value : undefined;
		};
		const cacheControl = field('cacheControl');
		return {
			body: new Uint8Array(await file.arrayBuffer()),
			contentType: field('contentType') || file.type || 'application/octet-stream',
			cacheControl: cacheControl ? `max-age=${cacheControl}` : 'no-cache',
			userMetadata: parseMetadata(field('metadata') ?? field('userMetadata')) ?? {}
		};
	}
	if (length !== undefined && Number(length) > limit) throw tooLarge();
	const encoded = c.req.header('x-metadata');
	return {
		body,
		contentType: contentType || 'application/octet-stream',
		cacheControl: c.req.header('cache-control') || 'no-cache',
		userMetadata: (encoded && parseMetadata(Buffer.from(encoded, 'base64').toString('utf8'))) || {}
	};
}
