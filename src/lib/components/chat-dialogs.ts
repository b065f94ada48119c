// A chat page's share and settings dialogs, in a module of their own: the browser loads it when
// one is first opened (or when a page arrives with one open), which keeps both out of the chat
// page's first JavaScript. The server renders them whenever a page opens one without JavaScript.
export { default as ChatSettings } from './ChatSettings.svelte';
export { default as ShareDialog } from './ShareDialog.svelte';
