import { attachOptions } from '$lib/server/attachments/limits';
import { starterFrom } from '$lib/chat/starters';
import { sendMessageAction } from '$lib/server/chat/actions';
import { modelPicker } from '$lib/server/chat/turn';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => ({
	// A fresh id per rendered form makes a double submit store one message.
	messageId: crypto.randomUUID(),
	picker: modelPicker(event),
	attach: attachOptions(),
	// A starter prompt's link, without JavaScript: the box opens with it.
	prompt: starterFrom(event.url.searchParams.get('prompt')) ?? null
});

export const actions: Actions = {
	send: (event) => sendMessageAction(event)
};
