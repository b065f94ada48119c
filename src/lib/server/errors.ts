// One error vocabulary for the server. Data access and model code throw AppError with a code;
// routes turn it into a status and a message people can act on, in one place.
import type { HandleServerError } from '@sveltejs/kit';

const CATALOGUE = {
	'not_found:chat': [404, 'That chat does not exist, or it is not yours.'],
	'not_found:reply': [404, 'That reply no longer exists or is already complete.'],
	'bad_request:message': [400, 'That message cannot be sent.'],
	'unauthorized:session': [401, 'Your session has ended. Sign in again to continue.'],
	'forbidden:chat': [403, 'That chat is not yours.'],
	'unavailable:database': [
		503,
		'Parley cannot reach its database right now. Your message was not sent; try again shortly.'
	],
	'unavailable:model': [502, 'The model did not answer. Your message is saved; try again.']
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof CATALOGUE;

export class AppError extends Error {
	readonly code: ErrorCode;
	readonly status: number;
	constructor(code: ErrorCode, options?: { cause?: unknown; message?: string }) {
		super(options?.message ?? CATALOGUE[code][1], { cause: options?.cause });
		this.name = 'AppError';
		this.code = code;
		this.status = CATALOGUE[code][0];
	}
}

export const errorMessage = (code: ErrorCode): string => CATALOGUE[code][1];

// JWTs (three base64url parts) and refresh tokens must never reach a log line, even inside a
// provider's or a library's error message.
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const BEARER = /(bearer\s+|refresh_token["'=:\s]+)[\w.-]+/gi;

export function redact(text: string): string {
	return text.replace(JWT, '[redacted jwt]').replace(BEARER, '$1[redacted]');
}

/** Logs a failure with an id the person can quote, and without tokens. */
export function logFailure(context: string, cause: unknown): string {
	const errorId = crypto.randomUUID().slice(0, 8);
	const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
	console.error(`[${errorId}] ${context}: ${redact(detail)}`);
	return errorId;
}

export const logError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message };
	const errorId = logFailure(`${event.request.method} ${event.url.pathname}`, error);
	return { message: 'Something went wrong on our side.', errorId };
};
