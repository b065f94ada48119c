// What a chat page lets a person do with the messages it shows, handed down to each message. A
// page without it (a new chat before its first reply) shows messages alone.

/** The message being edited, and what has been typed; kept by the page, so a refused edit keeps it. */
export interface EditDraft {
	id: string;
	text: string;
	error: string | null;
}

export interface MessageActions {
	chatId: string;
	/** The model the chat answers with: a reply by another one names its model. */
	chatModel: string | null;
	/** What a model is called in the picker (its id, if the picker no longer lists it). */
	modelLabel(id: string): string;
	/** The id the edit form stores its text under without JavaScript (a resubmit stores it once). */
	formMessageId: string;
	/** A reply is arriving in this tab: nothing else starts meanwhile. */
	busy: boolean;
	editing: EditDraft | null;
	/** A new version of a reply, which answers message `below`. */
	regenerate(replyId: string, below: string): void;
	/** Opens the edit of message id, or keeps what is typed into it. */
	setDraft(id: string, text: string): void;
	cancelEdit(): void;
	/** Save and send: the text as a new version of message sourceId, which answers `below`. */
	sendEdit(sourceId: string, text: string, below: string | null): void;
	/** Another version is about to be shown. */
	switching(): void;
}
