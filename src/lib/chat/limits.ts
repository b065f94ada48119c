// Kept free of zod so the browser bundle can import it; the schemas and the SQL CHECKs use the
// same numbers.
export const MESSAGE_MAX_LENGTH = 8000;
export const TITLE_MAX_LENGTH = 120;
