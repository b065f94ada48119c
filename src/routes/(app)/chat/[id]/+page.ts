import { browser } from '$app/environment';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ data }) => ({
	...data,
	// On the server always (a page without JavaScript may open one through ?share or a refused
	// form); in the browser when the page arrives with one open, so it hydrates as drawn.
	dialogs: !browser || data.opened ? await import('$lib/components/chat-dialogs') : null
});
