// Kept free of zod so the browser bundle can import it; the schemas and the SQL CHECK use the
// same number.
export const MESSAGE_MAX_LENGTH = 8000;
