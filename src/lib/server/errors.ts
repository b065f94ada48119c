// One error vocabulary for the server, and the one mapper from any failure to what a person is
// shown. Data access and model code throw AppError with a code (translated from PostgREST's or
// GoTrue's own codes below); the edges (load, action, endpoint) hand whatever they caught to
// `describeFailure`, which logs every 5xx once, with an id the person can quote.
import type { HandleServerError } from '@sveltejs/kit';
import { isAuthApiError, isAuthRetryableFetchError, type AuthError, type PostgrestError } from '@supabase/supabase-js';
import { redact } from './redact';
import { describeLimitRefusal, durationWords } from './usage';

const CATALOGUE = {
	'not_found:chat': [404, 'That chat does not exist, or it is not yours.'],
	'not_found:reply': [404, 'That reply is complete, is still being written, or no longer exists.'],
	'not_found:message': [404, 'That message does not exist, or it is not yours.'],
	'not_found:share': [404, 'That share link does not exist, or it was revoked.'],
	'bad_request:title': [400, 'That title cannot be used.'],
	'bad_request:import': [400, 'That file cannot be imported.'],
	'bad_request:message': [400, 'That message cannot be sent.'],
	'bad_request:body': [400, 'That request could not be read.'],
	'bad_request:model': [400, 'That model is not offered here. Pick another one.'],
	'bad_request:file': [400, 'That file cannot be attached.'],
	'bad_request:model_images': [400, 'This model does not take images. Pick another model, or remove the images.'],
	'too_large:file': [413, 'That file is too large to attach.'],
	'unsupported:file': [415, 'That kind of file cannot be attached here.'],
	'limit:storage': [413, 'Your files fill all the storage you have here. Delete chats with files to make room.'],
	'unauthorized:session': [401, 'Your session has ended. Sign in again to continue.'],
	'forbidden:chat': [403, 'That chat is not yours.'],
	'conflict:message': [409, 'That message could not be stored as sent. Reload the page and send it again.'],
	'conflict:reply_live': [
		409,
		'A reply is still being written here. Wait until it has finished, or stop it, then send this again.'
	],
	'auth:invalid_credentials': [400, 'Wrong email or password.'],
	'auth:user_exists': [400, 'An account with this email already exists. Sign in instead.'],
	'auth:email_not_confirmed': [400, 'Confirm your email address first: look for our message in your inbox.'],
	'auth:signup_disabled': [403, 'New sign-ups are closed on this Parley.'],
	'auth:guests_disabled': [403, 'Trying Parley without an account is turned off here. Sign up instead.'],
	'auth:email_provider_disabled': [403, 'Email sign-in is turned off on this Parley.'],
	'auth:email_invalid': [400, 'That email address cannot be used.'],
	'auth:weak_password': [400, 'Choose a stronger password.'],
	'rate_limited:replies': [429, 'You have sent too many messages for now. Try again later.'],
	'auth:rate_limited': [429, 'Too many attempts. Wait a minute and try again.'],
	'auth:link_expired': [400, 'This link has expired or was already used. Ask for a new one.'],
	'auth:link_mismatch': [
		400,
		'This link does not belong to the account it names, so it was not used to sign you in. Ask for a new link.'
	],
	'auth:same_password': [400, 'Choose a password different from your old one.'],
	'auth:wrong_password': [400, 'That is not your current password.'],
	'auth:banned': [403, 'This account is suspended.'],
	'auth:rejected': [400, 'That did not work. Check your email and password and try again.'],
	'auth:wrong_code': [400, 'That code is not right. Type the 6 digits your authenticator app shows now.'],
	'auth:second_factor_needed': [403, 'Sign in with your authenticator app’s code first.'],
	'auth:factor_gone': [404, 'That sign-in method is no longer on your account. Reload the page.'],
	'auth:passkey_refused': [400, 'That passkey was not accepted. Try again, or sign in with your password.'],
	'auth:passkey_exists': [400, 'This passkey is on your account already.'],
	'auth:passkeys_off': [404, 'Passkeys are not turned on for this Parley. Use your password.'],
	'auth:too_many_passkeys': [400, 'You have as many passkeys as an account may have. Remove one first.'],
	'auth:key_refused': [400, 'That security key was not accepted. Try again with the key you added.'],
	'auth:keys_off': [404, 'Security keys are not turned on for this Parley.'],
	'auth:too_many_factors': [400, 'You have as many sign-in methods as an account may have. Remove one first.'],
	'unavailable:auth': [503, 'The sign-in service is not answering. Try again in a moment.'],
	'unavailable:database': [503, 'Parley cannot reach its database right now. Try again shortly.'],
	'unavailable:storage': [503, 'Parley cannot reach its file storage right now. Try again shortly.'],
	internal: [500, 'Something went wrong on our side.']
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof CATALOGUE;

export class AppError extends Error {
	readonly code: ErrorCode;
	readonly status: number;
	/** For a 429: when to try again, sent as Retry-After. */
	readonly retryAfterSeconds?: number;
	constructor(code: ErrorCode, options?: { cause?: unknown; message?: string; retryAfterSeconds?: number }) {
		super(options?.message ?? CATALOGUE[code][1], { cause: options?.cause });
		this.name = 'AppError';
		this.code = code;
		this.status = CATALOGUE[code][0];
		this.retryAfterSeconds = options?.retryAfterSeconds;
	}
}

export const errorMessage = (code: ErrorCode): string => CATALOGUE[code][1];

/**
 * PostgREST's and Postgres's codes in Parley's words. supabase-js reports a server it could not
 * reach with an empty code; PGRST000-003 are PostgREST failing to reach Postgres. Anything else
 * did reach the database, so it is never called "unreachable": an unknown code is internal.
 */
export function fromPostgrest(error: PostgrestError, notFound: ErrorCode = 'not_found:chat'): AppError {
	const cause = new PostgrestFailure(error);
	switch (error.code) {
		case 'P0002': // raised by the chat functions
		case '22P02': // not a uuid
			return new AppError(notFound, { cause });
		case '42501':
			return new AppError('forbidden:chat', { cause });
		case '23514': // a CHECK constraint
		case '22001': // too long for the column
		case '22P05': // a character Postgres cannot store (NUL)
		case 'PGRST102': // a body PostgREST cannot read as JSON
			return new AppError('bad_request:message', { cause });
		case '23505':
			return new AppError('conflict:message', { cause });
		case 'PT409': // below a reply still being written (private.check_message_parent)
			return new AppError('conflict:reply_live', { cause });
		case 'PT429': {
			// The usage limits (see usage.ts); its detail says which one, and until when.
			const refusal = describeLimitRefusal(error.details);
			return new AppError('rate_limited:replies', { cause, ...refusal });
		}
		case 'PGRST301':
		case 'PGRST303':
			return new AppError('unauthorized:session', { cause });
		case '':
		case undefined:
		case 'PGRST000':
		case 'PGRST001':
		case 'PGRST002':
		case 'PGRST003':
			return new AppError('unavailable:database', { cause });
		default:
			return new AppError('internal', { cause });
	}
}

/** PostgREST's error with its details and hint, kept for the log and never shown. */
class PostgrestFailure extends Error {
	constructor(error: PostgrestError) {
		const parts = [error.message, error.details && `details: ${error.details}`, error.hint && `hint: ${error.hint}`];
		super(`${error.code || 'no code'}: ${parts.filter(Boolean).join('; ')}`);
		this.name = 'PostgrestError';
	}
}

const AUTH_CODES: Record<string, ErrorCode> = {
	invalid_credentials: 'auth:invalid_credentials',
	user_already_exists: 'auth:user_exists',
	email_exists: 'auth:user_exists',
	email_not_confirmed: 'auth:email_not_confirmed',
	signup_disabled: 'auth:signup_disabled',
	anonymous_provider_disabled: 'auth:guests_disabled',
	email_provider_disabled: 'auth:email_provider_disabled',
	email_address_invalid: 'auth:email_invalid',
	otp_expired: 'auth:link_expired',
	same_password: 'auth:same_password',
	user_banned: 'auth:banned',
	mfa_verification_failed: 'auth:wrong_code',
	mfa_challenge_expired: 'auth:wrong_code',
	insufficient_aal: 'auth:second_factor_needed',
	mfa_factor_not_found: 'auth:factor_gone',
	webauthn_verification_failed: 'auth:passkey_refused',
	webauthn_challenge_not_found: 'auth:passkey_refused',
	webauthn_challenge_expired: 'auth:passkey_refused',
	webauthn_credential_exists: 'auth:passkey_exists',
	too_many_passkeys: 'auth:too_many_passkeys',
	passkey_disabled: 'auth:passkeys_off',
	mfa_webauthn_enroll_not_enabled: 'auth:keys_off',
	mfa_webauthn_verify_not_enabled: 'auth:keys_off',
	too_many_enrolled_mfa_factors: 'auth:too_many_factors'
};

/**
 * GoTrue's 429s. A mail asked for again too soon says how many seconds are left; a per-IP limit
 * does not (its bucket refills at the configured rate), so a minute is a fair wait to name.
 */
function authRateLimit(error: AuthError): AppError {
	const seconds = Number(/after (\d+) seconds/.exec(error.message)?.[1] ?? 60);
	const message =
		error.code === 'over_email_send_rate_limit'
			? `Please wait: you can ask for another mail in ${durationWords(seconds)}.`
			: /wrong codes/i.test(error.message)
				? 'Too many wrong codes. Wait a few minutes, then type the code your app shows.'
				: `Too many attempts from your network. Wait ${durationWords(seconds)} and try again.`;
	return new AppError('auth:rate_limited', { cause: error, message, retryAfterSeconds: seconds });
}

/** GoTrue's error codes in words a person can act on. */
export function fromAuth(error: AuthError): AppError {
	if (error.code === 'over_request_rate_limit' || error.code === 'over_email_send_rate_limit') {
		return authRateLimit(error);
	}
	if (error.code === 'weak_password') {
		return new AppError('auth:weak_password', {
			cause: error,
			message: `Choose a stronger password. ${error.message}`
		});
	}
	const code = error.code && Object.hasOwn(AUTH_CODES, error.code) ? AUTH_CODES[error.code] : undefined;
	if (code) return new AppError(code, { cause: error });
	if (isAuthRetryableFetchError(error) || (isAuthApiError(error) && error.status >= 500)) {
		return new AppError('unavailable:auth', { cause: error });
	}
	return new AppError('auth:rejected', { cause: error });
}

export interface Failure {
	status: number;
	code: ErrorCode;
	message: string;
	/** Set for every 5xx: the id in the log line, for the person to quote. */
	errorId?: string;
	retryAfterSeconds?: number;
}

/**
 * The one mapper: what any caught failure means for the person. A 5xx is logged here, once, with
 * its cause chain; a 4xx is the person's own doing and is not.
 */
export function describeFailure(cause: unknown, context: string): Failure {
	const known = cause instanceof AppError ? cause : new AppError('internal', { cause });
	const failure: Failure = { status: known.status, code: known.code, message: known.message };
	if (known.retryAfterSeconds !== undefined) failure.retryAfterSeconds = known.retryAfterSeconds;
	if (known.status >= 500) failure.errorId = logFailure(context, known);
	return failure;
}

/** The message with its error id, for places that show one line. */
export const failureText = ({ message, errorId }: Failure): string =>
	errorId ? `${message} (error ${errorId})` : message;

/** Logs a failure and its causes with an id the person can quote, and without secrets. */
export function logFailure(context: string, cause: unknown): string {
	const errorId = crypto.randomUUID().slice(0, 8);
	console.error(`[${errorId}] ${context}: ${redact(describeChain(cause))}`);
	return errorId;
}

function describeChain(cause: unknown): string {
	const parts: string[] = [];
	for (let current = cause, depth = 0; current !== undefined && depth < 5; depth++) {
		if (!(current instanceof Error)) {
			parts.push(String(current));
			break;
		}
		parts.push(`${current.name}: ${current.message}`);
		current = current.cause;
	}
	return parts.join(' <- ');
}

/** SvelteKit's last resort, for a throw no edge caught: logged once like any other 5xx. */
export const logError: HandleServerError = ({ error, event, status, message }) => {
	if (status < 500) return { message };
	const failure = describeFailure(error, `${event.request.method} ${event.url.pathname}`);
	return { message: failure.message, errorId: failure.errorId };
};
