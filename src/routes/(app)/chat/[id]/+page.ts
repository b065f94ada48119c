import { browser } from '$app/environment';
import { loadView, showsFiles, showsTools } from '$lib/lazy-views.svelte';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ data }) => {
	await Promise.all([
		!browser || showsFiles(data.chat.messages) ? loadView('files') : null,
		!browser || showsTools(data.chat.messages) ? loadView('tools') : null,
		// Edit without JavaScript is a link (?edit=) to the page with the edit open.
		!browser || data.editing ? loadView('edit') : null
	]);
	return {
		...data,
		// On the server always (a page without JavaScript may open one through ?share or a refused
		// form); in the browser when the page arrives with one open, so it hydrates as drawn.
		dialogs: !browser || data.opened ? await import('$lib/components/chat-dialogs') : null
	};
};
