import { searchQuery } from '$lib/schemas/library';
import { searchChats } from '$lib/server/chat/search';
import { loadFailure } from '$lib/server/respond';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const raw = event.url.searchParams.get('q') ?? '';
	const parsed = searchQuery.safeParse(raw);
	if (!parsed.success) return { query: raw, results: [], error: parsed.error.issues[0]?.message ?? null };
	const query = parsed.data;
	if (!query) return { query, results: [], error: null };
	try {
		return { query, results: await searchChats(event.locals.supabase, query), error: null };
	} catch (cause) {
		loadFailure(event, cause);
	}
};
