/** Room for a large ledger extract: a 45 MB file is 60 MB once base64-encoded in JSON. */
export const BODY_LIMIT = 60 * 1024 * 1024;
