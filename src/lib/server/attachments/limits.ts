// What an operator lets people attach: the environment's ATTACHMENT_* settings, with the defaults
// documented in the README. The storage each person may fill is the database's to enforce
// (private.usage_plans.storage_bytes), since a person can reach Storage without Parley.
import { DOCUMENT_TYPES, IMAGE_TYPES } from '$lib/chat/attachments';
import type { AttachOptions } from '$lib/chat/composer-files.svelte';
import { serverEnv } from '../env';

/** Every type Parley can read: images go to the model as images, the rest as text. */
export const SUPPORTED_TYPES: readonly string[] = [...IMAGE_TYPES, ...DOCUMENT_TYPES];

export interface AttachmentLimits {
	maxFileBytes: number;
	maxFiles: number;
	accepted: ReadonlySet<string>;
	textChars: number;
}

let cached: AttachmentLimits | undefined;

export function attachmentLimits(): AttachmentLimits {
	if (cached) return cached;
	const env = serverEnv();
	const listed = env.ATTACHMENT_TYPES?.split(',').map((type) => type.trim().toLowerCase()) ?? SUPPORTED_TYPES;
	const unknown = listed.filter((type) => !SUPPORTED_TYPES.includes(type));
	if (unknown.length) {
		throw new Error(`Invalid configuration: ATTACHMENT_TYPES names types Parley cannot read: ${unknown.join(', ')}`);
	}
	cached = {
		maxFileBytes: Math.floor(env.ATTACHMENT_MAX_FILE_MB * 1e6),
		maxFiles: env.ATTACHMENT_MAX_FILES,
		accepted: new Set(listed),
		textChars: env.ATTACHMENT_TEXT_CHARS
	};
	return cached;
}

/** The most a request carrying files may weigh: every file at its limit, and the form around them. */
export const maxUploadBodyBytes = (limits: AttachmentLimits) => limits.maxFiles * limits.maxFileBytes + 1_000_000;

const SOURCE_EXTENSIONS =
	'.txt,.md,.csv,.json,.py,.js,.ts,.java,.c,.h,.cpp,.cs,.go,.rs,.rb,.php,.sh,.sql,.html,.css,.svelte,.xml,.yaml,.yml,.toml';

/** What the composer needs to know: none when the operator takes no files. */
export function attachOptions(): AttachOptions | null {
	const limits = attachmentLimits();
	if (limits.maxFiles === 0 || limits.accepted.size === 0) return null;
	const types = [...limits.accepted];
	const text = limits.accepted.has('text/plain') ? `,${SOURCE_EXTENSIONS}` : '';
	return { maxFiles: limits.maxFiles, maxFileBytes: limits.maxFileBytes, accept: types.join(',') + text };
}
