// The Idempotency-Key header's form (docs/api.md): 1-255 printable ASCII characters. One
// definition for the command API, which checks it, and the OpenAPI document, which states it.
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
