/** JSON bodies up to 1 MB (a client with every field full is a few kB; bulk data goes to imports). */
export const API_BODY_BYTES = 1024 * 1024;
/** Per key, in the practice's own rate-limit counters (so every server instance shares them). */
export const API_REQUESTS_PER_MINUTE = 600;
