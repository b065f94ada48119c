import {
	deleteAction,
	deleteAllAction,
	importAction,
	renameAction,
	revokeShareAction
} from '$lib/server/chat/library-actions';
import { listShares } from '$lib/server/chat/shares';
import { loadFailure } from '$lib/server/respond';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	try {
		return { shares: await listShares(event.locals.supabase) };
	} catch (cause) {
		loadFailure(event, cause);
	}
};

export const actions: Actions = {
	rename: renameAction,
	delete: deleteAction,
	deleteAll: deleteAllAction,
	import: importAction,
	revoke: revokeShareAction
};
