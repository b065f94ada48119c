// Text as Postgres can store it, shared by the schemas (what people type) and the reply writer
// (what models send). Kept free of zod so the browser bundle can import it too.

/** Drops NUL, which a Postgres text column refuses, and turns lone surrogates into U+FFFD, as a
 * browser does when it encodes a form; both would otherwise fail the whole write. */
export function storableText(text: string): string {
	return text.replaceAll('\0', '').toWellFormed();
}

const TITLE_LENGTH = 80;

/** A chat's title: its first message on one line, cut by code point so no emoji is split. */
export function titleFrom(content: string): string {
	const line = content.replace(/\s+/g, ' ').trim();
	const points = Array.from(line);
	return points.length <= TITLE_LENGTH ? line : `${points.slice(0, TITLE_LENGTH - 1).join('')}…`;
}

/** A finished thought's label: "Thought for N s" once its length is known, "Thought" when not. */
export function thoughtLabel(ms: number | null | undefined): string {
	return ms == null ? 'Thought' : `Thought for ${Math.max(1, Math.round(ms / 1000))} s`;
}
