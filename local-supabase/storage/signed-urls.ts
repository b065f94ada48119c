// Signed URLs: a download token names one object, an upload token one key; both are HS256 JWTs
// under the project's secret, with the scope and path checked on use, as storage-api does.
import type { Context } from 'hono';
import { SignJWT, type JWTPayload } from 'jose';
import { type StorageDeps, asCaller, requiredCaller, verifyToken } from './database.ts';
import { StorageError, invalidJwt, invalidRequest, invalidSignature, noSuchKey } from './errors.ts';
import { checkKey, checkMimeType } from './limits.ts';
import { findBucket, probeWrite, readableObject, renderObject, sizeLimit, storeObject } from './objects.ts';
import { jsonBody, readUpload } from './requests.ts';

function sign(deps: StorageDeps, claims: JWTPayload, expiresIn: number): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	return new SignJWT(claims)
		.setProtectedHeader({ alg: 'HS256' })
		.setIssuedAt(now)
		.setExpirationTime(now + expiresIn)
		.sign(new TextEncoder().encode(deps.jwtSecret));
}

async function verifyUrlToken(deps: StorageDeps, token: string | undefined, url: string, scope: 'download' | 'upload') {
	if (!token) throw invalidRequest("querystring must have required property 'token'");
	let payload: JWTPayload;
	try {
		payload = await verifyToken(deps, token);
	} catch (error) {
		throw invalidJwt(error instanceof Error ? error.message : String(error));
	}
	const legacy =
		payload.scope === undefined && (scope === 'upload' ? payload.upsert !== undefined : payload.upsert === undefined);
	if (payload.scope !== scope && !legacy) throw invalidSignature(`Token is not scoped for ${scope}`);
	if (payload.url !== url) throw invalidSignature();
	return payload;
}

function expiresIn(body: Record<string, unknown>): number {
	const value = body.expiresIn;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10 * 365 * 24 * 3600) {
		throw invalidRequest('body/expiresIn must be an integer >= 1');
	}
	return value;
}

export async function createSignedUrl(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	name: string
): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const seconds = expiresIn(await jsonBody(c));
	await readableObject(deps, caller, bucketId, name, 'authenticated');
	const url = `${bucketId}/${name}`;
	const token = await sign(deps, { url, scope: 'download' }, seconds);
	return c.json({ signedURL: `/object/sign/${url}?token=${token}` });
}

export async function createSignedUrls(c: Context, deps: StorageDeps, bucketId: string): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const body = await jsonBody(c);
	const seconds = expiresIn(body);
	const paths = body.paths;
	if (!Array.isArray(paths) || paths.length < 1 || paths.length > 1000 || paths.some((p) => typeof p !== 'string')) {
		throw invalidRequest('body/paths must be an array of 1 to 1000 names');
	}
	await findBucket(deps, bucketId);
	const visible = await asCaller(
		deps,
		caller,
		'storage.object.sign',
		(tx) => tx<{ name: string }[]>`
		select name from storage.objects where bucket_id = ${bucketId} and name = any(${paths as string[]})`
	);
	const found = new Set(visible.map((row) => row.name));
	const signed = await Promise.all(
		(paths as string[]).map(async (path) => {
			if (!found.has(path)) {
				return { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null };
			}
			const url = `${bucketId}/${path}`;
			const token = await sign(deps, { url, scope: 'download' }, seconds);
			return { error: null, path, signedURL: `/object/sign/${url}?token=${token}` };
		})
	);
	return c.json(signed);
}

export async function getSignedObject(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	name: string,
	head: boolean
): Promise<Response> {
	const payload = await verifyUrlToken(deps, c.req.query('token'), `${bucketId}/${name}`, 'download');
	const row = await readableObject(deps, deps.service, bucketId, name, 'authenticated').catch((error: unknown) => {
		throw error instanceof StorageError ? error : noSuchKey();
	});
	return renderObject(c, deps, row, { head, expires: payload.exp });
}

export async function createSignedUploadUrl(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	name: string
): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const upsert = c.req.header('x-upsert') === 'true';
	await findBucket(deps, bucketId);
	checkKey(name);
	await probeWrite(deps, caller, 'storage.object.upload_sign', { bucketId, name, upsert });
	const url = `${bucketId}/${name}`;
	const claims: JWTPayload = { ...(caller.sub ? { owner: caller.sub } : {}), url, upsert, scope: 'upload' };
	const token = await sign(deps, claims, deps.signedUploadExpiry);
	return c.json({ url: `/object/upload/sign/${url}?token=${token}`, token });
}

export async function uploadToSignedUrl(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	name: string
): Promise<Response> {
	const payload = await verifyUrlToken(deps, c.req.query('token'), `${bucketId}/${name}`, 'upload');
	const bucket = await findBucket(deps, bucketId);
	const upload = await readUpload(c, sizeLimit(deps, bucket, name));
	checkMimeType(upload.contentType, bucket.allowed_mime_types);
	const owner = typeof payload.owner === 'string' ? payload.owner : undefined;
	await storeObject(deps, { bucket, name, owner, upsert: payload.upsert === true }, upload);
	return c.json({ Key: `${bucketId}/${name}` });
}
