import type { Handle } from '@sveltejs/kit';
import { THEME_COOKIE, parseTheme } from '$lib/theme';

/** Reads the chosen theme and writes it into <html data-theme> as the page is rendered. */
export const themeHandle: Handle = ({ event, resolve }) => {
	const theme = parseTheme(event.cookies.get(THEME_COOKIE));
	event.locals.theme = theme;
	return resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%parley.theme%', theme)
	});
};
