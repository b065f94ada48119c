// The phone's chat list is a drawer that the layout owns and every page's header opens (the
// Chats button sits in the header, beside the page's title). Shared through context, so each
// request's page gets its own.
import { getContext, setContext } from 'svelte';

export interface Drawer {
	readonly open: boolean;
	/** Opens the drawer, optionally focusing an element inside it (a selector). */
	show(focus?: string): void;
	close(): void;
	/** The header's toggle, so focus goes back to it when the drawer closes. */
	setToggle(button: HTMLButtonElement | undefined): void;
}

const KEY = Symbol('drawer');

export const provideDrawer = (drawer: Drawer) => setContext(KEY, drawer);
export const useDrawer = () => getContext<Drawer | undefined>(KEY);
