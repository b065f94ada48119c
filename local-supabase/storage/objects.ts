// /object: upload, download, info, remove, move and copy. Reads and the permission probes run as
// the caller; the final write of an upload runs as service_role once the bytes are stored.
import type { Context } from 'hono';
import type { TransactionSql } from 'postgres';
import type { StoredBlob } from './blobs.ts';
import {
	type Caller,
	type StorageDeps,
	asCaller,
	optionalCaller,
	probe,
	requiredCaller,
	uuidOrNull
} from './database.ts';
import { StorageError, accessDenied, invalidRequest, noSuchBucket, noSuchKey } from './errors.ts';
import { checkKey, checkMimeType } from './limits.ts';
import { type Upload, jsonBody, readUpload } from './requests.ts';

interface BucketRow {
	id: string;
	public: boolean;
	file_size_limit: number | string | null;
	allowed_mime_types: string[] | null;
}

export interface ObjectRow {
	id: string;
	bucket_id: string;
	name: string;
	version: string | null;
	metadata: Record<string, unknown> | null;
	user_metadata: Record<string, unknown> | null;
	created_at: Date;
	updated_at: Date;
	owner_id: string | null;
}

export async function findBucket(deps: StorageDeps, id: string): Promise<BucketRow> {
	const [bucket] = await asCaller(
		deps,
		deps.service,
		'storage.bucket.get',
		(tx) => tx<BucketRow[]>`
		select id, public, file_size_limit, allowed_mime_types from storage.buckets where id = ${id}`
	);
	if (!bucket) throw noSuchBucket();
	return bucket;
}

export function sizeLimit(deps: StorageDeps, bucket: BucketRow, name: string): number {
	if (name.endsWith('.emptyFolderPlaceholder')) return 0;
	const own = bucket.file_size_limit === null ? Number.POSITIVE_INFINITY : Number(bucket.file_size_limit);
	return Math.min(deps.globalSizeLimit, own);
}

function systemMetadata(blob: StoredBlob, upload: Pick<Upload, 'contentType' | 'cacheControl'>) {
	return {
		eTag: blob.eTag,
		size: blob.size,
		contentLength: blob.size,
		mimetype: upload.contentType,
		cacheControl: upload.cacheControl,
		lastModified: blob.lastModified.toISOString(),
		httpStatusCode: 200
	};
}

interface NewRow {
	bucketId: string;
	name: string;
	owner: string | undefined;
	metadata: Record<string, unknown>;
	userMetadata: Record<string, unknown>;
	version: string;
}

/** The INSERT (or upsert) storage-api runs, both as the caller's probe and as the final write. */
function insertRow(tx: TransactionSql, row: NewRow, upsert: boolean) {
	const values = tx`(${row.bucketId}, ${row.name}, ${uuidOrNull(row.owner)}, ${row.owner ?? null},
		${tx.json(row.metadata as never)}, ${tx.json(row.userMetadata as never)}, ${row.version})`;
	const insert = tx`insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
		values ${values}`;
	if (!upsert) return tx`${insert} returning id`;
	return tx`${insert} on conflict (bucket_id, name) do update set
		metadata = excluded.metadata, user_metadata = excluded.user_metadata, version = excluded.version,
		owner = coalesce(excluded.owner, objects.owner), owner_id = coalesce(excluded.owner_id, objects.owner_id)
		returning *`;
}

/** Probes the caller's right to write `name`, as storage-api does before it reads the body. */
export async function probeWrite(
	deps: StorageDeps,
	caller: Caller,
	operation: string,
	target: { bucketId: string; name: string; upsert: boolean; userMetadata?: Record<string, unknown> }
): Promise<void> {
	const row: NewRow = {
		bucketId: target.bucketId,
		name: target.name,
		owner: caller.sub,
		metadata: {},
		userMetadata: target.userMetadata ?? {},
		version: crypto.randomUUID()
	};
	await probe(deps, caller, operation, (tx) => insertRow(tx, row, target.upsert));
}

/** Stores an upload's bytes and its row; the bytes it replaced, or its own on failure, go. */
export async function storeObject(
	deps: StorageDeps,
	target: { bucket: BucketRow; name: string; owner: string | undefined; upsert: boolean },
	upload: Upload
): Promise<{ id: string }> {
	const blob = await deps.blobs.write(upload.body, sizeLimit(deps, target.bucket, target.name));
	try {
		const { id, replaced } = await asCaller(deps, deps.service, 'storage.object.upload', async (tx) => {
			const [old] = await tx<{ version: string | null }[]>`select version from storage.objects
				where bucket_id = ${target.bucket.id} and name = ${target.name} for update`;
			const [row] = await insertRow(
				tx,
				{
					bucketId: target.bucket.id,
					name: target.name,
					owner: target.owner,
					metadata: systemMetadata(blob, upload),
					userMetadata: upload.userMetadata,
					version: blob.version
				},
				target.upsert
			);
			return { id: row.id as string, replaced: old?.version };
		});
		await deps.blobs.remove([replaced]);
		return { id };
	} catch (error) {
		await deps.blobs.remove([blob.version]);
		throw error;
	}
}

export async function uploadObject(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	name: string,
	upsert: boolean
): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const bucket = await findBucket(deps, bucketId);
	const upload = await readUpload(c, sizeLimit(deps, bucket, name));
	if (!name.endsWith('.emptyFolderPlaceholder')) checkMimeType(upload.contentType, bucket.allowed_mime_types);
	checkKey(name);
	await probeWrite(deps, caller, 'storage.object.upload', {
		bucketId,
		name,
		upsert,
		userMetadata: upload.userMetadata
	});
	const { id } = await storeObject(deps, { bucket, name, owner: caller.sub, upsert }, upload);
	return c.json({ Id: id, Key: `${bucketId}/${name}` });
}

const OBJECT_COLUMNS = 'id, bucket_id, name, version, metadata, user_metadata, created_at, updated_at, owner_id';

/**
 * The row a read may see: a public bucket's as superuser, a private one's as the caller (a
 * request without a usable token cannot read a private bucket at all).
 */
export async function readableObject(
	deps: StorageDeps,
	caller: Caller | undefined,
	bucketId: string,
	name: string,
	mode: 'public' | 'authenticated' | 'either'
): Promise<ObjectRow> {
	const bucket = await findBucket(deps, bucketId);
	const asService = bucket.public && mode !== 'authenticated';
	if (mode === 'public' && !bucket.public) throw noSuchBucket();
	if (!asService && !caller) throw noSuchBucket();
	const reader = asService ? deps.service : (caller as Caller);
	const [row] = await asCaller(
		deps,
		reader,
		'storage.object.get',
		(tx) => tx<ObjectRow[]>`
		select ${tx.unsafe(OBJECT_COLUMNS)} from storage.objects where bucket_id = ${bucketId} and name = ${name}`
	);
	if (!row) throw noSuchKey();
	return row;
}

const httpDate = (value: unknown) => new Date(String(value)).toUTCString();

function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
	if (!header) return undefined;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	const bad = () =>
		new StorageError('InvalidRange', 416, 'InvalidRange', 'The requested range is not satisfiable', 416);
	if (!match || (match[1] === '' && match[2] === '')) throw bad();
	let start: number;
	let end: number;
	if (match[1] === '') {
		start = Math.max(0, size - Number(match[2]));
		end = size - 1;
	} else {
		start = Number(match[1]);
		end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	}
	if (start > end || start >= size) throw bad();
	return { start, end };
}

/** The bytes of a row, with the headers storage-api's renderer sends. */
export async function renderObject(
	c: Context,
	deps: StorageDeps,
	row: ObjectRow,
	options: { head: boolean; expires?: number }
): Promise<Response> {
	const meta = row.metadata ?? {};
	if (!row.version || !(await deps.blobs.exists(row.version))) {
		const body = { statusCode: '404', code: 'NoSuchKey', error: 'Not found', message: 'The resource was not found' };
		return c.json(body, 400, { 'cache-control': 'no-store' });
	}
	const size = Number(meta.size ?? 0);
	const headers = new Headers({
		'accept-ranges': 'bytes',
		'x-robots-tag': 'none',
		'x-content-type-options': 'nosniff'
	});
	const mimetype = String(meta.mimetype ?? 'application/octet-stream');
	headers.set('content-type', /text\/html/i.test(mimetype) ? 'text/plain' : mimetype);
	if (meta.eTag) headers.set('etag', String(meta.eTag));
	headers.set('last-modified', httpDate(meta.lastModified ?? row.updated_at));
	if (options.expires !== undefined) headers.set('expires', new Date(options.expires * 1000).toUTCString());
	else if (meta.cacheControl) headers.set('cache-control', String(meta.cacheControl));
	const download = c.req.query('download');
	if (download !== undefined) {
		const encoded = encodeURIComponent(download);
		headers.set(
			'content-disposition',
			download ? `attachment; filename=${encoded}; filename*=UTF-8''${encoded}` : 'attachment;'
		);
	}
	const ifNoneMatch = c.req.header('if-none-match');
	if (ifNoneMatch && meta.eTag && ifNoneMatch === meta.eTag) return new Response(null, { status: 304, headers });
	const range = parseRange(c.req.header('range'), size);
	if (range) {
		headers.set('content-range', `bytes ${range.start}-${range.end}/${size}`);
		headers.set('content-length', String(range.end - range.start + 1));
		return new Response(options.head ? null : deps.blobs.read(row.version, range), { status: 206, headers });
	}
	headers.set('content-length', String(size));
	return new Response(options.head ? null : deps.blobs.read(row.version), { status: 200, headers });
}

type ReadMode = 'public' | 'authenticated' | 'either';

/** The object a read route names, as its route reads it: with a token, an optional one, or none. */
async function requestedObject(c: Context, deps: StorageDeps, bucketId: string, name: string, mode: ReadMode) {
	const caller =
		mode === 'authenticated'
			? await requiredCaller(c, deps)
			: mode === 'either'
				? await optionalCaller(c, deps)
				: undefined;
	return readableObject(deps, caller, bucketId, name, mode);
}

export async function getObject(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	name: string,
	mode: ReadMode,
	head: boolean
): Promise<Response> {
	const row = await requestedObject(c, deps, bucketId, name, mode);
	return renderObject(c, deps, row, { head });
}

export async function objectInfo(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	name: string,
	mode: ReadMode
): Promise<Response> {
	const row = await requestedObject(c, deps, bucketId, name, mode);
	const meta = row.metadata ?? {};
	return c.json({
		id: row.id,
		name: row.name,
		version: row.version,
		bucket_id: row.bucket_id,
		size: meta.size ?? null,
		content_type: meta.mimetype ?? null,
		cache_control: meta.cacheControl ?? null,
		etag: meta.eTag ?? null,
		metadata: row.user_metadata ?? {},
		last_modified: row.updated_at,
		created_at: row.created_at
	});
}

export async function removeObjects(c: Context, deps: StorageDeps, bucketId: string): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const body = await jsonBody(c);
	const names = body.prefixes;
	if (!Array.isArray(names) || names.length < 1 || names.length > 1000 || names.some((n) => typeof n !== 'string')) {
		throw invalidRequest('body/prefixes must be an array of 1 to 1000 names');
	}
	const removed = await asCaller(
		deps,
		caller,
		'storage.object.delete_many',
		(tx) => tx<ObjectRow[]>`
		delete from storage.objects where bucket_id = ${bucketId} and name = any(${names as string[]}) returning *`
	);
	await deps.blobs.remove(removed.map((row) => row.version));
	return c.json(removed.map(({ path_tokens: _tokens, ...row }: ObjectRow & { path_tokens?: unknown }) => row));
}

export async function deleteObject(c: Context, deps: StorageDeps, bucketId: string, name: string): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	await findBucket(deps, bucketId);
	const [exists] = await asCaller(
		deps,
		deps.service,
		'storage.object.delete',
		(tx) => tx`
		select 1 from storage.objects where bucket_id = ${bucketId} and name = ${name}`
	);
	if (!exists) throw noSuchKey();
	const removed = await asCaller(
		deps,
		caller,
		'storage.object.delete',
		(tx) => tx<ObjectRow[]>`
		delete from storage.objects where bucket_id = ${bucketId} and name = ${name} returning version`
	);
	if (removed.length === 0) throw accessDenied('Access denied');
	await deps.blobs.remove(removed.map((row) => row.version));
	return c.json({ message: 'Successfully deleted' });
}

function moveTarget(body: Record<string, unknown>) {
	const { bucketId, sourceKey, destinationKey } = body;
	if (typeof bucketId !== 'string' || typeof sourceKey !== 'string' || typeof destinationKey !== 'string') {
		throw invalidRequest('body must have bucketId, sourceKey and destinationKey');
	}
	const destinationBucket =
		typeof body.destinationBucket === 'string' && body.destinationBucket ? body.destinationBucket : bucketId;
	return { bucketId, sourceKey, destinationKey: checkKey(destinationKey), destinationBucket };
}

export async function moveObject(c: Context, deps: StorageDeps): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const target = moveTarget(await jsonBody(c));
	await findBucket(deps, target.destinationBucket);
	await asCaller(deps, caller, 'storage.object.move', async (tx) => {
		const [source] =
			await tx`select id from storage.objects where bucket_id = ${target.bucketId} and name = ${target.sourceKey}`;
		if (!source) throw noSuchKey();
		const moved = await tx`update storage.objects
			set name = ${target.destinationKey}, bucket_id = ${target.destinationBucket},
				owner = coalesce(${uuidOrNull(caller.sub)}, owner), owner_id = coalesce(${caller.sub ?? null}, owner_id)
			where bucket_id = ${target.bucketId} and name = ${target.sourceKey} returning id`;
		if (moved.length === 0) throw noSuchKey();
	});
	return c.json({ message: 'Successfully moved' });
}

export async function copyObject(c: Context, deps: StorageDeps): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const body = await jsonBody(c);
	const target = moveTarget(body);
	const upsert = c.req.header('x-upsert') === 'true';
	const bucket = await findBucket(deps, target.destinationBucket);
	const [source] = await asCaller(
		deps,
		caller,
		'storage.object.copy',
		(tx) => tx<ObjectRow[]>`
		select ${tx.unsafe(OBJECT_COLUMNS)} from storage.objects where bucket_id = ${target.bucketId} and name = ${target.sourceKey}`
	);
	if (!source?.version) throw noSuchKey();
	const override = (typeof body.metadata === 'object' && body.metadata ? body.metadata : {}) as Record<string, unknown>;
	const keep = body.copyMetadata !== false;
	const sourceMeta = source.metadata ?? {};
	const contentType = String(
		override.mimetype ?? (keep ? sourceMeta.mimetype : undefined) ?? 'application/octet-stream'
	);
	const cacheControl = String(override.cacheControl ?? (keep ? sourceMeta.cacheControl : undefined) ?? 'no-cache');
	const userMetadata = keep ? (source.user_metadata ?? {}) : {};
	checkMimeType(contentType, bucket.allowed_mime_types);
	await probeWrite(deps, caller, 'storage.object.copy', {
		bucketId: target.destinationBucket,
		name: target.destinationKey,
		upsert,
		userMetadata
	});
	const version = await deps.blobs.copy(source.version);
	const blob: StoredBlob = {
		version,
		size: Number(sourceMeta.size ?? 0),
		eTag: String(sourceMeta.eTag ?? ''),
		lastModified: new Date()
	};
	try {
		const row = await asCaller(deps, deps.service, 'storage.object.copy', async (tx) => {
			const [old] = await tx<{ version: string | null }[]>`select version from storage.objects
				where bucket_id = ${target.destinationBucket} and name = ${target.destinationKey} for update`;
			const [written] = await insertRow(
				tx,
				{
					bucketId: target.destinationBucket,
					name: target.destinationKey,
					owner: caller.sub,
					metadata: systemMetadata(blob, { contentType, cacheControl }),
					userMetadata,
					version
				},
				upsert
			);
			const [full] = await tx<
				ObjectRow[]
			>`select ${tx.unsafe(OBJECT_COLUMNS)} from storage.objects where id = ${written.id}`;
			return { full, replaced: old?.version };
		});
		await deps.blobs.remove([row.replaced]);
		return c.json({ Id: row.full.id, Key: `${target.destinationBucket}/${target.destinationKey}`, ...row.full });
	} catch (error) {
		await deps.blobs.remove([version]);
		throw error;
	}
}
