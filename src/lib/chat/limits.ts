// Kept free of zod so the browser bundle can import it; the schemas and the SQL CHECK use the
// same number.
export const MESSAGE_MAX_LENGTH = 8000;
/** A chat's own system prompt; the CHECK on chat_sessions.system_prompt holds the same. */
export const SYSTEM_PROMPT_MAX_LENGTH = 4000;
/** Deleting an account is confirmed by typing this word; the schema checks the same. */
export const DELETE_CONFIRMATION = 'DELETE';
