import { createHash, randomBytes } from 'node:crypto';

/** Random, URL-safe secret with a readable prefix saying what it is (`ck_` API key, `rt_` refresh token). */
export function randomSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/**
 * sha256 is enough for API keys and refresh tokens (unlike passwords): they are 256 random bits, so there is
 * nothing to brute-force, and a fast hash lets every request look its key up by index.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
