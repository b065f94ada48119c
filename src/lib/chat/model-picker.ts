/** What the composer's Model picker offers, as the server hands it to the page. */
export interface ModelPicker {
	/** `group`: the configured entry a discovered model came from; `disabled`: a server that cannot be read, named. */
	options: { id: string; label: string; group?: string; disabled?: boolean }[];
	/** The chat's model, or the default for a new chat or one whose model is gone. */
	selected: string;
	/** Said when the chat's model has left the configuration. */
	notice: string | null;
}
