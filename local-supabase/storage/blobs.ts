// The bytes, on disk under .local-supabase/storage: one file per object version, named by that
// version's uuid, so a key of any spelling never becomes a path and a move touches only the row.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tooLarge } from './errors.ts';

export interface StoredBlob {
	version: string;
	size: number;
	/** Quoted MD5 of the content, as storage-api's file backend makes it. */
	eTag: string;
	lastModified: Date;
}

export class Blobs {
	private readonly root: string;

	constructor(root: string) {
		this.root = root;
	}

	private file(version: string): string {
		if (!/^[0-9a-f-]{36}$/.test(version)) throw new Error(`not a version: ${version}`);
		return path.join(this.root, version);
	}

	/** Stores a stream, refusing it (and keeping nothing) once it passes `limit` bytes. */
	async write(body: ReadableStream<Uint8Array> | Uint8Array, limit: number): Promise<StoredBlob> {
		await mkdir(this.root, { recursive: true });
		const version = randomUUID();
		const target = this.file(version);
		const partial = `${target}.part`;
		const hash = createHash('md5');
		let size = 0;
		const source = body instanceof Uint8Array ? Readable.from([body]) : Readable.fromWeb(body as never);
		async function* counted(chunks: AsyncIterable<Buffer>) {
			for await (const chunk of chunks) {
				size += chunk.length;
				if (size > limit) throw tooLarge();
				hash.update(chunk);
				yield chunk;
			}
		}
		try {
			await pipeline(source, counted, createWriteStream(partial));
			await rename(partial, target);
		} catch (error) {
			await rm(partial, { force: true });
			throw error;
		}
		return { version, size, eTag: `"${hash.digest('hex')}"`, lastModified: new Date() };
	}

	async copy(version: string): Promise<string> {
		const copy = randomUUID();
		await copyFile(this.file(version), this.file(copy));
		return copy;
	}

	async exists(version: string): Promise<boolean> {
		return stat(this.file(version)).then(
			() => true,
			() => false
		);
	}

	read(version: string, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
		const stream = createReadStream(this.file(version), range);
		return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
	}

	async remove(versions: (string | null | undefined)[]): Promise<void> {
		await Promise.all(versions.filter((v): v is string => !!v).map((v) => rm(this.file(v), { force: true })));
	}
}
