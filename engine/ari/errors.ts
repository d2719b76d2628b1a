/**
 * The one error type of the ARI boundary: HTTP status (0 when the request never got an answer) and the ARI
 * message (`{"message":"Channel not found"}` → "Channel not found").
 */
export class AriError extends Error {
  constructor(
    readonly status: number,
    readonly ariMessage: string,
    readonly op: string,
  ) {
    super(`ARI ${op} failed: ${status || 'no response'} ${ariMessage}`);
    this.name = 'AriError';
  }

  /** The thing we addressed is already gone (404, or 400 "... not found" from addChannel). */
  get isGone(): boolean {
    return this.status === 404 || (this.status === 400 && /not found/i.test(this.ariMessage));
  }
}

/** Reads the ARI message out of a response body, tolerating non-JSON bodies. */
export function ariMessageOf(body: unknown): string {
  if (body === undefined || body === null) return '';
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
      return parsed.message;
    }
  } catch {
    /* not JSON: keep the text */
  }
  return text.trim();
}
