import { sendMessageAction } from '$lib/server/chat/actions';
import { modelPicker } from '$lib/server/chat/turn';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => ({
	// A fresh id per rendered form makes a double submit store one message.
	messageId: crypto.randomUUID(),
	picker: modelPicker(event)
});

export const actions: Actions = {
	send: (event) => sendMessageAction(event)
};
