// /object/list (one level under a prefix, case-insensitive) and /object/list-v2 (cursor pages),
// each reading only the rows the caller's SELECT policies let through.
import type { Context } from 'hono';
import { type StorageDeps, asCaller, requiredCaller } from './database.ts';
import { invalidRequest } from './errors.ts';
import type { ObjectRow } from './objects.ts';
import { jsonBody } from './requests.ts';

type Row = Pick<ObjectRow, 'id' | 'name' | 'metadata' | 'created_at' | 'updated_at'> & { last_accessed_at: Date };

async function rowsUnder(
	c: Context,
	deps: StorageDeps,
	bucketId: string,
	prefix: string,
	caseless: boolean
): Promise<Row[]> {
	const caller = await requiredCaller(c, deps);
	return asCaller(
		deps,
		caller,
		'storage.object.list',
		(tx) => tx<Row[]>`
		select id, name, metadata, created_at, updated_at, last_accessed_at from storage.objects
		where bucket_id = ${bucketId} and ${
			caseless
				? tx`left(lower(name), ${prefix.length}) = lower(${prefix})`
				: tx`left(name, ${prefix.length}) = ${prefix}`
		}`
	);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortBy(body: Record<string, unknown>, columns: string[]) {
	const sort = (body.sortBy ?? {}) as { column?: unknown; order?: unknown };
	const column = typeof sort.column === 'string' ? sort.column : 'name';
	const order = typeof sort.order === 'string' ? sort.order.toLowerCase() : 'asc';
	if (!columns.includes(column)) throw invalidRequest('body/sortBy/column must be equal to one of the allowed values');
	if (order !== 'asc' && order !== 'desc')
		throw invalidRequest('body/sortBy/order must be equal to one of the allowed values');
	return { column, order };
}

function integer(value: unknown, fallback: number, min: number): number {
	if (value === undefined || value === null) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min) throw invalidRequest(`a limit or offset must be an integer >= ${min}`);
	return n;
}

interface Entry {
	name: string;
	row?: Row;
}

function timeOf(entry: Entry, column: string): number {
	if (column === 'name') return 0;
	const value = entry.row?.[column as 'created_at'];
	return value ? new Date(value).getTime() : 0;
}

function ordered(entries: Entry[], column: string, order: string): Entry[] {
	const sign = order === 'desc' ? -1 : 1;
	return entries.sort((a, b) => {
		if (column === 'name') return sign * byName(a.name.toLowerCase(), b.name.toLowerCase());
		// Folders first, by name; then files by the column, ties by name.
		if (!a.row !== !b.row) return a.row ? 1 : -1;
		if (!a.row) return byName(a.name.toLowerCase(), b.name.toLowerCase());
		return sign * (timeOf(a, column) - timeOf(b, column)) || sign * byName(a.name, b.name);
	});
}

export async function listObjects(c: Context, deps: StorageDeps, bucketId: string): Promise<Response> {
	const body = await jsonBody(c);
	if (typeof body.prefix !== 'string') throw invalidRequest("body must have required property 'prefix'");
	const prefix = body.prefix && !body.prefix.endsWith('/') ? `${body.prefix}/` : body.prefix;
	const limit = Math.min(integer(body.limit, 100, 1), 1500);
	const offset = integer(body.offset, 0, 0);
	const search = typeof body.search === 'string' ? body.search.toLowerCase() : '';
	const { column, order } = sortBy(body, ['name', 'updated_at', 'created_at', 'last_accessed_at']);
	const rows = await rowsUnder(c, deps, bucketId, prefix, true);
	const folders = new Set<string>();
	const entries: Entry[] = [];
	for (const row of rows) {
		const rest = row.name.slice(prefix.length);
		if (!rest || !rest.toLowerCase().startsWith(search)) continue;
		const slash = rest.indexOf('/');
		if (slash < 0) entries.push({ name: rest, row });
		else if (!folders.has(rest.slice(0, slash))) {
			folders.add(rest.slice(0, slash));
			entries.push({ name: rest.slice(0, slash) });
		}
	}
	const page = ordered(entries, column, order).slice(offset, offset + limit);
	return c.json(
		page.map(({ name, row }) => ({
			name,
			id: row?.id ?? null,
			updated_at: row?.updated_at ?? null,
			created_at: row?.created_at ?? null,
			last_accessed_at: row?.last_accessed_at ?? null,
			metadata: row?.metadata ?? null
		}))
	);
}

interface Cursor {
	name: string;
	time: number;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(value: unknown): Cursor | undefined {
	if (typeof value !== 'string' || !value) return undefined;
	try {
		const cursor = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
		if (typeof cursor.name === 'string' && typeof cursor.time === 'number') return cursor;
	} catch {
		// Below.
	}
	throw invalidRequest('Invalid cursor');
}

export async function listObjectsV2(c: Context, deps: StorageDeps, bucketId: string): Promise<Response> {
	const body = await jsonBody(c);
	const prefix = typeof body.prefix === 'string' ? body.prefix : '';
	const limit = Math.min(integer(body.limit, 1000, 1), 1000);
	const delimited = body.with_delimiter === true;
	const { column, order } = sortBy(body, ['name', 'updated_at', 'created_at']);
	const cursor = decodeCursor(body.cursor);
	const rows = await rowsUnder(c, deps, bucketId, prefix, false);
	const entries: Entry[] = [];
	const folders = new Set<string>();
	for (const row of rows) {
		const slash = delimited ? row.name.indexOf('/', prefix.length) : -1;
		if (slash < 0) entries.push({ name: row.name, row });
		else if (!folders.has(row.name.slice(0, slash + 1))) {
			folders.add(row.name.slice(0, slash + 1));
			entries.push({ name: row.name.slice(0, slash + 1) });
		}
	}
	const sign = order === 'desc' ? -1 : 1;
	const compare = (a: Cursor, b: Cursor) =>
		column === 'name' ? sign * byName(a.name, b.name) : sign * (a.time - b.time) || sign * byName(a.name, b.name);
	const keyed = entries
		.map((entry) => ({ entry, key: { name: entry.name, time: timeOf(entry, column) } }))
		.sort((a, b) => compare(a.key, b.key))
		.filter(({ key }) => !cursor || compare(key, cursor) > 0);
	const page = keyed.slice(0, limit);
	const hasNext = keyed.length > limit;
	const last = page.at(-1)?.key;
	return c.json({
		hasNext,
		...(hasNext && last ? { nextCursor: encodeCursor(last), nextCursorKey: last.name } : {}),
		folders: page
			.filter(({ entry }) => !entry.row)
			.map(({ entry }) => ({ key: entry.name.slice(prefix.length, -1).split('/').at(-1), name: entry.name, id: null })),
		objects: page
			.filter(({ entry }) => entry.row)
			.map(({ entry }) => ({ ...entry.row, key: entry.name.split('/').at(-1) }))
	});
}
