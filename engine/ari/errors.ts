/**
 * Why a request got no usable answer: `http` (Asterisk answered with an error status), or one of the ways it got
 * no answer at all — `timeout` (nothing came back in time), `refused` (nobody listens), `reset` (the connection
 * broke), `aborted` (we gave up on it: the event socket dropped, or the gateway closed), `disconnected` (not
 * sent: the events socket is down, so nothing of what it did could be followed) — or `protocol` (an answer we
 * cannot read).
 */
export type AriFailureKind = 'http' | 'timeout' | 'refused' | 'reset' | 'aborted' | 'disconnected' | 'protocol';

/**
 * The one error type of the ARI boundary: HTTP status (0 when the request never got an answer) and the ARI
 * message (`{"message":"Channel not found"}` → "Channel not found").
 */
export class AriError extends Error {
  readonly kind: AriFailureKind;

  constructor(
    readonly status: number,
    readonly ariMessage: string,
    readonly op: string,
    kind?: AriFailureKind,
  ) {
    super(`ARI ${op} failed: ${status || 'no response'} ${ariMessage}`);
    this.name = 'AriError';
    this.kind = kind ?? (status > 0 ? 'http' : 'protocol');
  }

  /** The thing we addressed is already gone (404, or 400 "... not found" from addChannel). */
  get isGone(): boolean {
    return this.status === 404 || (this.status === 400 && /not found/i.test(this.ariMessage));
  }

  /**
   * Asterisk may or may not have done it: the request left and no answer came back (timeout, reset, aborted).
   * A refused connection or a request never sent did not happen; an HTTP error did not happen either.
   */
  get outcomeUnknown(): boolean {
    return this.kind === 'timeout' || this.kind === 'reset' || this.kind === 'aborted';
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

/**
 * One line an operator can act on, for a failed connection attempt: wrong credentials, nobody listening, an
 * unreadable answer. No secret is part of it.
 */
export function describeAriFailure(err: unknown, where: { url: string; username: string }): string {
  if (!(err instanceof AriError)) return `ARI at ${where.url} failed: ${err instanceof Error ? err.message : String(err)}`;
  switch (err.kind) {
    case 'http':
      if (err.status === 401 || err.status === 403) {
        return `ARI at ${where.url} rejected the credentials of user "${where.username}" (HTTP ${err.status}): check ARI_USERNAME and ARI_PASSWORD (ari.conf)`;
      }
      return `ARI at ${where.url} answered HTTP ${err.status}${err.ariMessage ? ` (${err.ariMessage.slice(0, 120)})` : ''}`;
    case 'refused':
      return `ARI at ${where.url} is not reachable (connection refused): is Asterisk running with http.conf enabled?`;
    case 'timeout':
      return `ARI at ${where.url} did not answer in time`;
    case 'reset':
      return `ARI at ${where.url} dropped the connection (${err.ariMessage})`;
    case 'protocol':
      return `ARI at ${where.url} sent an answer that is not ARI (${err.ariMessage.slice(0, 120)})`;
    default:
      return `ARI at ${where.url}: ${err.ariMessage}`;
  }
}
