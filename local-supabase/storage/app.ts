// The storage server: storage-api's HTTP routes at its own root, as the gateway mounts them under
// /storage/v1. Routes are matched most specific first, as storage-api registers them.
import { Hono, type Context } from 'hono';
import * as buckets from './buckets.ts';
import type { StorageDeps } from './database.ts';
import { StorageError, errorResponse, invalidKey } from './errors.ts';
import { listObjects, listObjectsV2 } from './listing.ts';
import * as objects from './objects.ts';
import * as signed from './signed-urls.ts';

type Handler = (c: Context, deps: StorageDeps, params: string[]) => Promise<Response>;
interface Route {
	method: string | string[];
	pattern: RegExp;
	handler: Handler;
}

const BUCKET = '([^/]+)';
const KEY = '/+(.+)';
const route = (method: Route['method'], pattern: string, handler: Handler): Route => ({
	method,
	pattern: new RegExp(`^${pattern}$`),
	handler
});
const head = (c: Context) => c.req.method === 'HEAD';

const ROUTES: Route[] = [
	route('GET', '/bucket/?', (c, d) => buckets.listBuckets(c, d)),
	route('POST', '/bucket/?', (c, d) => buckets.createBucket(c, d)),
	route('POST', `/bucket/${BUCKET}/empty`, (c, d, [id]) => buckets.emptyBucket(c, d, id)),
	route('GET', `/bucket/${BUCKET}`, (c, d, [id]) => buckets.getBucket(c, d, id)),
	route('PUT', `/bucket/${BUCKET}`, (c, d, [id]) => buckets.updateBucket(c, d, id)),
	route('DELETE', `/bucket/${BUCKET}`, (c, d, [id]) => buckets.deleteBucket(c, d, id)),
	route('POST', `/object/list/${BUCKET}`, (c, d, [b]) => listObjects(c, d, b)),
	route('POST', `/object/list-v2/${BUCKET}`, (c, d, [b]) => listObjectsV2(c, d, b)),
	route('POST', '/object/move', (c, d) => objects.moveObject(c, d)),
	route('POST', '/object/copy', (c, d) => objects.copyObject(c, d)),
	route('POST', `/object/sign/${BUCKET}`, (c, d, [b]) => signed.createSignedUrls(c, d, b)),
	route('POST', `/object/sign/${BUCKET}${KEY}`, (c, d, [b, k]) => signed.createSignedUrl(c, d, b, k)),
	route(['GET', 'HEAD'], `/object/sign/${BUCKET}${KEY}`, (c, d, [b, k]) => signed.getSignedObject(c, d, b, k, head(c))),
	route('POST', `/object/upload/sign/${BUCKET}${KEY}`, (c, d, [b, k]) => signed.createSignedUploadUrl(c, d, b, k)),
	route('PUT', `/object/upload/sign/${BUCKET}${KEY}`, (c, d, [b, k]) => signed.uploadToSignedUrl(c, d, b, k)),
	route('GET', `/object/info/public/${BUCKET}${KEY}`, (c, d, [b, k]) => objects.objectInfo(c, d, b, k, 'public')),
	route('GET', `/object/info/authenticated/${BUCKET}${KEY}`, (c, d, [b, k]) =>
		objects.objectInfo(c, d, b, k, 'authenticated')
	),
	route('GET', `/object/info/${BUCKET}${KEY}`, (c, d, [b, k]) => objects.objectInfo(c, d, b, k, 'either')),
	route(['GET', 'HEAD'], `/object/public/${BUCKET}${KEY}`, (c, d, [b, k]) =>
		objects.getObject(c, d, b, k, 'public', head(c))
	),
	route(['GET', 'HEAD'], `/object/authenticated/${BUCKET}${KEY}`, (c, d, [b, k]) =>
		objects.getObject(c, d, b, k, 'authenticated', head(c))
	),
	route(['GET', 'HEAD'], `/object/${BUCKET}${KEY}`, (c, d, [b, k]) => objects.getObject(c, d, b, k, 'either', head(c))),
	route('POST', `/object/${BUCKET}${KEY}`, (c, d, [b, k]) =>
		objects.uploadObject(c, d, b, k, c.req.header('x-upsert') === 'true')
	),
	route('PUT', `/object/${BUCKET}${KEY}`, (c, d, [b, k]) => objects.uploadObject(c, d, b, k, true)),
	route('DELETE', `/object/${BUCKET}${KEY}`, (c, d, [b, k]) => objects.deleteObject(c, d, b, k)),
	route('DELETE', `/object/${BUCKET}/?`, (c, d, [b]) => objects.removeObjects(c, d, b))
];

function decode(part: string, isKey: boolean): string {
	try {
		return decodeURIComponent(part);
	} catch {
		if (isKey) throw invalidKey(part);
		throw new StorageError('InvalidRequest', 400, 'InvalidRequest', 'The path is not valid percent-encoding');
	}
}

export function createStorageApp(deps: StorageDeps) {
	const app = new Hono();
	app.onError((error, c) => errorResponse(c, error));
	app.get('/status', (c) => c.body(null, 200));
	app.get('/health', (c) => c.json({ healthy: true }));
	app.all('*', (c) => {
		const { pathname } = new URL(c.req.url);
		for (const { method, pattern, handler } of ROUTES) {
			const methods = Array.isArray(method) ? method : [method];
			if (!methods.includes(c.req.method)) continue;
			const match = pattern.exec(pathname);
			if (!match) continue;
			const params = match.slice(1).map((part, index) => decode(part, index === 1));
			return handler(c, deps, params);
		}
		throw new StorageError('InvalidRequest', 404, 'Not Found', `Route ${c.req.method}:${pathname} not found`, 404);
	});
	return app;
}
