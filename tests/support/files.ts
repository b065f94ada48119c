// Small real files for the attachment tests: a PNG any decoder opens, and a PDF whose text PDF.js
// can read, built here so no binary fixture sits in the repository.
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A width × height PNG of one colour (RGB), or of noise, which does not compress (a photo's size). */
export function png(width = 8, height = 8, rgb: [number, number, number] | 'noise' = [40, 90, 200]): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8);
	const row = () =>
		Buffer.concat([
			Buffer.from([0]),
			rgb === 'noise' ? randomBytes(width * 3) : Buffer.from(Array.from({ length: width }, () => rgb).flat())
		]);
	const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, row)));
	return Buffer.concat([
		Buffer.from('89504e470d0a1a0a', 'hex'),
		chunk('IHDR', header),
		chunk('IDAT', pixels),
		chunk('IEND', Buffer.alloc(0))
	]);
}

/** A PDF whose pages say these texts (ASCII, without parentheses or backslashes), one a page. */
export function pdf(text: string | string[]): Buffer {
	const pages = typeof text === 'string' ? [text] : text;
	const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
	const kids: string[] = [];
	const font = 3;
	objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
	for (const words of pages) {
		const stream = `BT /F1 12 Tf 72 720 Td (${words}) Tj ET`;
		const page = objects.length + 1;
		kids.push(`${page} 0 R`);
		objects.push(
			`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${page + 1} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`,
			`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`
		);
	}
	objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages.length} >>`;
	let body = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((object, index) => {
		offsets.push(body.length);
		body += `${index + 1} 0 obj\n${object}\nendobj\n`;
	});
	const xref = body.length;
	body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
	body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}
