// What a file is, by its bytes; its name as stored; a document's text, cut where it must be.
import { describe, expect, it } from 'vitest';
import { pdf, png } from '../../../../tests/support/files';
import { AppError } from '../errors';
import { documentText } from './documents';
import { inspectFile } from './inspect';
import { cleanFileName } from './names';

const bytes = (text: string) => new TextEncoder().encode(text);

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
	const error = await work.then(
		() => null,
		(caught: unknown) => caught
	);
	expect(error).toBeInstanceOf(AppError);
	return { code: (error as AppError).code, message: (error as AppError).message };
}

describe('inspectFile', () => {
	it('knows an image and a PDF by their bytes, whatever their names say', async () => {
		expect(await inspectFile('notes.txt', png())).toEqual({ kind: 'image', mediaType: 'image/png' });
		expect(await inspectFile('picture.png', pdf('hello'))).toEqual({ kind: 'document', mediaType: 'application/pdf' });
	});

	it('tells text apart by its name only once the bytes say it is text', async () => {
		expect(await inspectFile('a.md', bytes('# Title'))).toEqual({ kind: 'document', mediaType: 'text/markdown' });
		expect(await inspectFile('a.CSV', bytes('a,b\n1,2'))).toEqual({ kind: 'document', mediaType: 'text/csv' });
		expect(await inspectFile('a.json', bytes('{"a":1}'))).toEqual({ kind: 'document', mediaType: 'application/json' });
		expect(await inspectFile('main.py', bytes('print(1)'))).toEqual({ kind: 'document', mediaType: 'text/plain' });
		// An HTML page named .png is text, and read as text: never as an image.
		expect(await inspectFile('x.png', bytes('<html><script>alert(1)</script>'))).toEqual({
			kind: 'document',
			mediaType: 'text/plain'
		});
	});

	it('refuses a PNG whose header is all there is of it, other formats, and binary that is not text', async () => {
		const header = png().subarray(0, 33);
		expect(await refusal(inspectFile('cut.png', Buffer.concat([header, bytes('<html>')])))).toEqual({
			code: 'unsupported:file',
			message: 'cut.png starts like a PNG image but is not a valid one.'
		});
		const zip = Buffer.from('504b0304140000000800', 'hex');
		expect((await refusal(inspectFile('a.zip', Buffer.concat([zip, Buffer.alloc(40)])))).code).toBe('unsupported:file');
		expect(await refusal(inspectFile('nul.txt', bytes('a\0b')))).toEqual({
			code: 'unsupported:file',
			message: 'nul.txt is not a kind of file Parley can read.'
		});
	});
});

describe('cleanFileName', () => {
	it('keeps the name only, without folders or control characters', () => {
		expect(cleanFileName('../../etc/passwd')).toBe('passwd');
		expect(cleanFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
		expect(cleanFileName('tab\there\u0000.txt')).toBe('tabhere.txt');
		expect(cleanFileName('..')).toBe('file');
		expect(cleanFileName('')).toBe('file');
		expect(cleanFileName('half \uD83D.txt')).toBe('half \uFFFD.txt');
	});

	it('cuts a long name at 255 characters, never inside an emoji', () => {
		const name = cleanFileName('😀'.repeat(300));
		expect(Array.from(name)).toHaveLength(255);
		expect(name).toBe('😀'.repeat(255));
		expect(name.isWellFormed()).toBe(true);
	});
});

describe('documentText', () => {
	it('reads a PDF’s text, and refuses a broken PDF or one without text', async () => {
		expect(await documentText('a.pdf', 'application/pdf', pdf('Quarterly figures'), 1000)).toEqual({
			text: 'Quarterly figures',
			cut: false
		});
		expect(await refusal(documentText('b.pdf', 'application/pdf', bytes('%PDF-1.4 nothing'), 1000))).toEqual({
			code: 'bad_request:file',
			message: 'b.pdf could not be read as a PDF.'
		});
		expect((await refusal(documentText('c.pdf', 'application/pdf', pdf(''), 1000))).message).toBe(
			'c.pdf has no text to read (is it a scan?). Attach the pages as images instead.'
		);
	});

	it('cuts text to the limit without splitting an emoji, and says so', async () => {
		expect(await documentText('a.txt', 'text/plain', bytes('abc😀'), 4)).toEqual({ text: 'abc', cut: true });
		expect(await documentText('a.txt', 'text/plain', bytes('abc😀'), 5)).toEqual({ text: 'abc😀', cut: false });
	});
});
