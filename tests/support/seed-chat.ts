// A chat written straight to the database with a service-role client: one line of messages,
// questions and answers in turn, each answering the one before. For tests and benches that need a
// long chat and would only wait on the model to write it.
import type { SupabaseClient } from '@supabase/supabase-js';

/** Stores a chat of `contents` (a question first, then its answer, and so on); returns its id. */
export async function seedChat(
	admin: SupabaseClient,
	userId: string,
	title: string,
	contents: string[]
): Promise<string> {
	const { data, error } = await admin.from('chat_sessions').insert({ user_id: userId, title }).select('id').single();
	if (error) throw error;
	let parent: string | null = null;
	const rows = contents.map((content, n) => {
		const id: string = crypto.randomUUID();
		const row = {
			id,
			session_id: data.id,
			parent_id: parent,
			user_id: userId,
			role: n % 2 ? 'assistant' : 'user',
			content
		};
		parent = id;
		return row;
	});
	// In order, so each parent is stored before its child.
	for (let start = 0; start < rows.length; start += 500) {
		const stored = await admin.from('chat_messages').insert(rows.slice(start, start + 500));
		if (stored.error) throw stored.error;
	}
	return data.id as string;
}
