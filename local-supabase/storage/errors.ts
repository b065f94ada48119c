// storage-api's error bodies: `{statusCode, code, error, message}`, where `statusCode` is a string
// with the real status and the HTTP status is 400 for almost every handled error.
import type { Context } from 'hono';

export class StorageError extends Error {
	readonly code: string;
	readonly statusCode: number;
	readonly error: string;
	/** Only the few errors storage-api sends with their own HTTP status set this. */
	readonly httpStatus: number | undefined;

	constructor(code: string, statusCode: number, error: string, message: string, httpStatus?: number) {
		super(message);
		this.code = code;
		this.statusCode = statusCode;
		this.error = error;
		this.httpStatus = httpStatus;
	}
}

export const noSuchBucket = () => new StorageError('NoSuchBucket', 404, 'Bucket not found', 'Bucket not found');
export const noSuchKey = () => new StorageError('NoSuchKey', 404, 'not_found', 'Object not found');
export const accessDenied = (message: string) => new StorageError('AccessDenied', 403, 'Unauthorized', message);
export const rlsRefused = () => accessDenied('new row violates row-level security policy');
export const alreadyExists = (code = 'KeyAlreadyExists') =>
	new StorageError(code, 409, 'Duplicate', 'The resource already exists');
export const notEmpty = () =>
	new StorageError('ResourceNotEmpty', 409, 'ResourceNotEmpty', 'The bucket you tried to delete is not empty');
export const tooLarge = () =>
	new StorageError('EntityTooLarge', 413, 'Payload too large', 'The object exceeded the maximum allowed size');
export const invalidMimeType = (type: string) =>
	new StorageError('InvalidMimeType', 415, 'invalid_mime_type', `mime type ${type} is not supported`);
export const invalidBucketName = () =>
	new StorageError('InvalidBucketName', 400, 'Invalid Input', 'Bucket name invalid');
export const invalidKey = (key: string) => new StorageError('InvalidKey', 400, 'InvalidKey', `Invalid key: ${key}`);
export const invalidJwt = (message: string) => new StorageError('InvalidJWT', 400, 'InvalidJWT', message);
export const invalidSignature = (message = 'Invalid signature') =>
	new StorageError('InvalidSignature', 400, 'InvalidSignature', message);
export const invalidRequest = (message: string, httpStatus?: number) =>
	new StorageError('InvalidRequest', 400, 'InvalidRequest', message, httpStatus);

interface PostgresError {
	code?: string;
	message?: string;
}

/** What a database error means to the caller; anything unexpected is a 500, logged once. */
export function fromDatabase(error: unknown): StorageError | undefined {
	const { code, message = '' } = (error ?? {}) as PostgresError;
	if (code === '42501') return message.includes('row-level security') ? rlsRefused() : accessDenied(message);
	if (code === '23505') return alreadyExists();
	if (code === '57014')
		return new StorageError('DatabaseTimeout', 544, 'DatabaseTimeout', 'The database timed out', 544);
	return undefined;
}

export function errorResponse(c: Context, error: unknown): Response {
	const known = error instanceof StorageError ? error : fromDatabase(error);
	if (!known) {
		console.error(`${c.req.method} ${c.req.path}:`, error);
		return c.json(
			{ statusCode: '500', code: 'InternalError', error: 'internal', message: 'Internal Server Error' },
			500
		);
	}
	const status = known.httpStatus ?? (known.statusCode === 500 ? 500 : 400);
	const body = { statusCode: String(known.statusCode), code: known.code, error: known.error, message: known.message };
	return c.json(body, status as 400);
}
