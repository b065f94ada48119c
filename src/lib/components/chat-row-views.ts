// The chat list's Rename and Delete, in a module of their own (see lazy-views.svelte.ts).
export { default as DeleteChatsDialog } from './DeleteChatsDialog.svelte';
export { default as RenameChatForm } from './RenameChatForm.svelte';
