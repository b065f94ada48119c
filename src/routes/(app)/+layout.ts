import { browser } from '$app/environment';
import { loadView } from '$lib/lazy-views.svelte';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ data, url }) => {
	// The chat list's Rename and Delete, asked without JavaScript (?rename=, ?delete=), or a page
	// arriving with one open.
	if (!browser || url.searchParams.has('delete') || url.searchParams.has('rename')) await loadView('chatRow');
	return data;
};
