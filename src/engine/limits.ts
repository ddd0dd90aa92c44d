/**
 * Size limits every engine enforces, checked before anything is written so an oversized
 * request changes nothing. Documented in docs/architecture.md ("Limits").
 */

/** Longest key, in bytes: 64 KiB. Keys are at least one byte long. */
export const MAX_KEY_BYTES = 64 * 1024;

/** Longest value, in bytes: 64 MiB. Empty values are allowed. */
export const MAX_VALUE_BYTES = 64 * 1024 * 1024;
