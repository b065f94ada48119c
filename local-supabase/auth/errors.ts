// GoTrue's error vocabulary, and the two JSON shapes it answers in.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const API_VERSION_HEADER = 'X-Supabase-Api-Version';
const API_VERSION_2024 = '2024-01-01';

export class AuthError extends Error {
	readonly status: ContentfulStatusCode;
	readonly code: string;
	/** Extra top-level fields, e.g. weak_password: { reasons }. */
	readonly extra: Record<string, unknown>;

	constructor(status: ContentfulStatusCode, code: string, message: string, extra: Record<string, unknown> = {}) {
		super(message);
		this.status = status;
		this.code = code;
		this.extra = extra;
	}
}

/** Errors GoTrue reports in the OAuth2 shape: {error, error_description}. */
export class OAuthError extends Error {
	readonly error: string;
	readonly description: string;

	constructor(error: string, description: string) {
		super(description);
		this.error = error;
		this.description = description;
	}
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const forbidden = (code: string, message: string) => new AuthError(403, code, message);
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message);
export const notFound = (code: string, message: string) => new AuthError(404, code, message);

/** The API version the client asked for, when it names a valid one (auth-js always sends 2024-01-01). */
function requestedApiVersion(header: string | undefined): string | undefined {
	if (!header || !/^\d{4}-\d{2}-\d{2}$/.test(header)) return undefined;
	const date = new Date(`${header}T00:00:00Z`);
	if (Number.isNaN(date.getTime())) return undefined;
	return header >= API_VERSION_2024 ? API_VERSION_2024 : undefined;
}

export function errorResponse(c: Context, error: unknown): Response {
	if (error instanceof OAuthError) {
		return c.json({ error: error.error, error_description: error.description }, 400);
	}
	const known =
		error instanceof AuthError
			? error
			: new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');
	if (!(error instanceof AuthError)) console.error('[auth] unexpected error', error);

	const version = requestedApiVersion(c.req.header(API_VERSION_HEADER));
	const isWeakPassword = known.code === 'weak_password';
	if (version) {
		c.header(API_VERSION_HEADER, version);
		// GoTrue leaves x-sb-error-code off its versioned weak-password answer.
		if (!isWeakPassword) c.header('x-sb-error-code', known.code);
		return c.json({ code: known.code, message: known.message, ...known.extra }, known.status);
	}
	c.header('x-sb-error-code', known.code);
	return c.json({ code: known.status, error_code: known.code, msg: known.message, ...known.extra }, known.status);
}
