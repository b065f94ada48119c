// /bucket: list, get, create, update, empty and delete, each as the caller under RLS.
import type { Context } from 'hono';
import { type StorageDeps, asCaller, requiredCaller, uuidOrNull } from './database.ts';
import { StorageError, alreadyExists, invalidRequest, noSuchBucket, notEmpty } from './errors.ts';
import { checkBucketName, parseBucketSize, parseMimeTypes } from './limits.ts';
import { jsonBody } from './requests.ts';

const SORT_COLUMNS = new Set(['id', 'name', 'created_at', 'updated_at']);

export async function listBuckets(c: Context, deps: StorageDeps): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const query = c.req.query();
	const limit = query.limit === undefined ? undefined : Number(query.limit);
	const offset = query.offset === undefined ? 0 : Number(query.offset);
	if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
		throw invalidRequest('querystring/limit must be >= 1');
	if (!(Number.isInteger(offset) && offset >= 0)) throw invalidRequest('querystring/offset must be >= 0');
	const column = query.sortColumn ?? 'name';
	if (!SORT_COLUMNS.has(column))
		throw invalidRequest('querystring/sortColumn must be equal to one of the allowed values');
	const order = query.sortOrder ?? 'asc';
	if (order !== 'asc' && order !== 'desc')
		throw invalidRequest('querystring/sortOrder must be equal to one of the allowed values');
	const search = query.search ?? '';
	const rows = await asCaller(
		deps,
		caller,
		'storage.bucket.list',
		(tx) => tx`
		select id, name, owner, public, created_at, updated_at, file_size_limit, allowed_mime_types, type
		from storage.buckets
		where ${search ? tx`strpos(lower(name), lower(${search})) > 0` : tx`true`}
		order by ${tx(column)} ${order === 'desc' ? tx`desc` : tx`asc`}
		${limit === undefined ? tx`` : tx`limit ${limit}`} offset ${offset}`
	);
	return c.json(rows);
}

export async function getBucket(c: Context, deps: StorageDeps, id: string): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const [bucket] = await asCaller(
		deps,
		caller,
		'storage.bucket.get',
		(tx) => tx`
		select id, name, owner, public, created_at, updated_at, file_size_limit, allowed_mime_types
		from storage.buckets where id = ${id}`
	);
	if (!bucket) throw noSuchBucket();
	return c.json(bucket);
}

export async function createBucket(c: Context, deps: StorageDeps): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const body = await jsonBody(c);
	if (body.name === undefined) throw invalidRequest("body must have required property 'name'");
	const name = checkBucketName(body.name);
	const id = body.id === undefined ? name : checkBucketName(body.id);
	const type = body.type ?? 'STANDARD';
	if (type !== 'STANDARD' && type !== 'ANALYTICS')
		throw invalidRequest('body/type must be equal to one of the allowed values');
	const size = parseBucketSize(body.file_size_limit, deps.globalSizeLimit) ?? null;
	const types = parseMimeTypes(body.allowed_mime_types) ?? null;
	try {
		await asCaller(
			deps,
			caller,
			'storage.bucket.create',
			(tx) => tx`
			insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types, type)
			values (${id}, ${name}, ${uuidOrNull(caller.sub)}, ${caller.sub ?? null}, ${body.public === true},
				${size}, ${types}, ${type})`
		);
	} catch (error) {
		if ((error as { code?: string }).code === '23505') throw alreadyExists('BucketAlreadyExists');
		throw error;
	}
	return c.json({ name });
}

export async function updateBucket(c: Context, deps: StorageDeps, id: string): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	const body = await jsonBody(c);
	const changes: Record<string, unknown> = {};
	if (body.public !== undefined) changes.public = body.public === true;
	const size = parseBucketSize(body.file_size_limit, deps.globalSizeLimit);
	if (size !== undefined) changes.file_size_limit = size;
	const types = parseMimeTypes(body.allowed_mime_types);
	if (types !== undefined) changes.allowed_mime_types = types;
	if (Object.keys(changes).length === 0) {
		throw invalidRequest('body must have at least one of public, file_size_limit or allowed_mime_types');
	}
	const updated = await asCaller(
		deps,
		caller,
		'storage.bucket.update',
		(tx) => tx`
		update storage.buckets set ${tx(changes)}, updated_at = now() where id = ${id} returning id`
	);
	if (updated.length === 0) throw noSuchBucket();
	return c.json({ message: 'Successfully updated' });
}

export async function emptyBucket(c: Context, deps: StorageDeps, id: string): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	if (caller.role !== 'service_role')
		throw new StorageError('AccessDenied', 403, 'Unauthorized', 'Access denied: Invalid role', 403);
	const removed = await asCaller(deps, caller, 'storage.bucket.empty', async (tx) => {
		const [bucket] = await tx`select id from storage.buckets where id = ${id}`;
		if (!bucket) throw noSuchBucket();
		return tx<{ version: string | null }[]>`delete from storage.objects where bucket_id = ${id} returning version`;
	});
	await deps.blobs.remove(removed.map((row) => row.version));
	return c.json({ message: 'Empty bucket has been queued. Completion may take up to an hour.' });
}

export async function deleteBucket(c: Context, deps: StorageDeps, id: string): Promise<Response> {
	const caller = await requiredCaller(c, deps);
	await asCaller(deps, deps.service, 'storage.bucket.delete', async (tx) => {
		const [bucket] = await tx`select id from storage.buckets where id = ${id}`;
		if (!bucket) throw noSuchBucket();
		const [object] = await tx`select 1 from storage.objects where bucket_id = ${id} limit 1`;
		if (object) throw notEmpty();
	});
	const deleted = await asCaller(
		deps,
		caller,
		'storage.bucket.delete',
		(tx) => tx`
		delete from storage.buckets where id = ${id} returning id`
	);
	if (deleted.length === 0) throw noSuchBucket();
	return c.json({ message: 'Successfully deleted' });
}
