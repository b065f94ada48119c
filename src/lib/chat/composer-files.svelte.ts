// Files chosen in the composer with JavaScript on: each is uploaded at once (with its progress),
// shown as a chip, and sent with the message by the description the server gave it. Loaded when
// the first file is chosen, dropped or pasted, so the chat page's first JavaScript does not carry it.
import type { UploadedAttachment } from './attachments';
import { loadView } from '$lib/lazy-views.svelte';

// A message sent with files shows them at once.
void loadView('files');

export interface AttachOptions {
	maxFiles: number;
	maxFileBytes: number;
	/** For the file picker's `accept`: the types this Parley takes. */
	accept: string;
}

export interface ComposerFile {
	key: number;
	name: string;
	size: number;
	/** An image's preview, from the browser's own copy. */
	preview: string | null;
	/** From 0 to 1 while it uploads. */
	progress: number;
	uploaded: UploadedAttachment | null;
	error: string | null;
}

const IMAGE_PREVIEW = /^image\/(png|jpeg|webp|gif)$/;

const takeBack = (file: UploadedAttachment) =>
	void fetch(`/api/attachments/${file.objectId}`, { method: 'DELETE' }).catch(() => {});

/**
 * A small copy of a large image, made here so the conversation can show it instead of the whole
 * one (the server cannot resize images); none when the browser cannot draw it.
 */
async function smallCopy(file: File): Promise<Blob | null> {
	if (!IMAGE_PREVIEW.test(file.type) || file.size < 150_000) return null;
	try {
		const bitmap = await createImageBitmap(file);
		const scale = Math.min(1, 400 / Math.max(bitmap.width, bitmap.height));
		const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
		canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
		bitmap.close();
		return await canvas.convertToBlob({ type: 'image/webp', quality: 0.75 });
	} catch {
		return null;
	}
}

function upload(file: File, small: Blob | null, onProgress: (fraction: number) => void) {
	const request = new XMLHttpRequest();
	const done = new Promise<UploadedAttachment>((resolve, reject) => {
		request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
		request.onload = () => {
			const body = (() => {
				try {
					return JSON.parse(request.responseText) as {
						attachment?: UploadedAttachment;
						error?: { message?: string };
					};
				} catch {
					return null;
				}
			})();
			if (request.status === 201 && body?.attachment) resolve(body.attachment);
			else reject(new Error(body?.error?.message ?? `The server answered ${request.status}.`));
		};
		request.onerror = () => reject(new Error('Parley could not be reached. Check your connection.'));
	});
	request.open('POST', '/api/attachments');
	request.setRequestHeader('accept', 'application/json');
	const form = new FormData();
	form.append('file', file);
	if (small) form.append('thumbnail', small, 'small.webp');
	request.send(form);
	return { done };
}

export class ComposerFiles {
	files = $state<ComposerFile[]>([]);
	#next = 0;
	readonly #options: AttachOptions;

	constructor(options: AttachOptions) {
		this.#options = options;
	}

	/** Why the message cannot go yet, if it cannot. */
	holdsBack(): string | null {
		if (this.files.some((file) => !file.uploaded && !file.error)) return 'Wait until your files have uploaded.';
		if (this.files.some((file) => file.error)) return 'Remove the files that could not be attached first.';
		return null;
	}

	get uploaded(): UploadedAttachment[] {
		return this.files.flatMap((file) =>
			file.uploaded ? [{ ...file.uploaded, ...(file.preview ? { preview: file.preview } : {}) }] : []
		);
	}

	add(chosen: File[]): void {
		for (const file of chosen) {
			const entry: ComposerFile = {
				key: this.#next++,
				name: file.name || 'Pasted image',
				size: file.size,
				preview: IMAGE_PREVIEW.test(file.type) ? URL.createObjectURL(file) : null,
				progress: 0,
				uploaded: null,
				error: null
			};
			this.files.push(entry);
			// The proxy in the list, so changes below are seen.
			const shown = this.files[this.files.length - 1];
			if (this.files.length > this.#options.maxFiles) {
				shown.error = `A message can carry at most ${this.#options.maxFiles} files.`;
				continue;
			}
			if (file.size > this.#options.maxFileBytes) {
				shown.error = `${shown.name} is too large: files can be at most ${Math.round(this.#options.maxFileBytes / 1e6)} MB.`;
				continue;
			}
			void this.#send(shown, file);
		}
	}

	async #send(shown: ComposerFile, file: File): Promise<void> {
		const small = await smallCopy(file);
		// Removed while its small copy was being made.
		if (!this.files.some((candidate) => candidate.key === shown.key)) return;
		const sending = upload(file, small, (fraction) => (shown.progress = fraction));
		await sending.done.then(
			(attachment) => {
				shown.uploaded = attachment;
				// Removed while it uploaded: it is taken back now that its id is known.
				if (!this.files.some((candidate) => candidate.key === shown.key)) takeBack(attachment);
			},
			(error: Error) => (shown.error = error.message)
		);
	}

	/**
	 * Remove: a stored file is taken back; one still uploading is taken back when it is stored. (An
	 * upload stopped midway could still be stored by the server, with no id here to take it back.)
	 */
	remove(key: number): void {
		const file = this.files.find((candidate) => candidate.key === key);
		if (!file) return;
		if (file.uploaded) takeBack(file.uploaded);
		if (file.preview) URL.revokeObjectURL(file.preview);
		this.files = this.files.filter((candidate) => candidate.key !== key);
	}

	/** After a send that stored the message: the files are its own now, and it shows their previews. */
	clear(): void {
		this.files = [];
	}
}

export { default as ComposerFileList } from '$lib/components/ComposerFileList.svelte';
