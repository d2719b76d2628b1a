/**
 * The short-lived token an API process gives an engine node to fetch (or delete) one of that node's recordings
 * (#18, scale-out): the node serves its own files on its health server, behind this token only.
 *
 * Form: `v1.<base64url(JSON {n, r, a, b, e})>.<base64url(HMAC-SHA256)>` — n: the node, r: the recording (its
 * CallLog id), a: what it allows (`audio:call`, `audio:amd`, `delete`, `pause`, `resume`), b: the user it is done
 * for (deletions and pauses name them), e: expiry in epoch ms. The HMAC key is derived (HKDF-SHA256, its own info
 * string) from the secret the API and the nodes share: SECRETS_KEY, else JWT_SECRET — the same rule as the sealed
 * secrets (engine/store secret-box.ts), so one variable given to every process is enough. A token opens one action
 * on one recording of one node, for NODE_RECORDING_TOKEN_TTL_MS.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** How long a token works: one request's worth (the API makes a new one per request). */
export const NODE_RECORDING_TOKEN_TTL_MS = 60_000;

export type NodeRecordingAction = 'audio:call' | 'audio:amd' | 'delete' | 'pause' | 'resume';
const ACTIONS: readonly NodeRecordingAction[] = ['audio:call', 'audio:amd', 'delete', 'pause', 'resume'];

/** The key of the configuration's shared secret (SECRETS_KEY, else JWT_SECRET); null when neither is set. */
export function nodeRecordingKey(config: { SECRETS_KEY?: string | undefined; JWT_SECRET?: string | undefined }): Buffer | null {
  const secret = config.SECRETS_KEY ?? config.JWT_SECRET;
  return secret === undefined ? null : Buffer.from(hkdfSync('sha256', secret, 'centralita', 'node-recording-token v1', 32));
}

export interface NodeRecordingClaim {
  node: string;
  callId: string;
  action: NodeRecordingAction;
  /** The user the action is done for; null for none. */
  by: string | null;
  /** Epoch ms after which the token no longer works. */
  exp: number;
}

const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(`v1.${body}`).digest();

export function signNodeRecordingToken(key: Buffer, c: NodeRecordingClaim): string {
  const body = Buffer.from(JSON.stringify({ n: c.node, r: c.callId, a: c.action, b: c.by, e: c.exp })).toString('base64url');
  return `v1.${body}.${mac(key, body).toString('base64url')}`;
}

/**
 * The token's claim when it is well formed, signed with `key`, not expired at `now`, and for exactly this node,
 * recording and action; else why not (said in the 401, never the file).
 */
export function verifyNodeRecordingToken(
  key: Buffer,
  token: string,
  want: { node: string; callId: string; action: NodeRecordingAction },
  now: number,
): { ok: true; claim: NodeRecordingClaim } | { ok: false; reason: string } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1' || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed token' };
  const given = Buffer.from(parts[2], 'base64url');
  const expected = mac(key, parts[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'wrong signature (is SECRETS_KEY / JWT_SECRET the same on the API and this node?)' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  const o = raw as Record<string, unknown>;
  if (typeof o['n'] !== 'string' || typeof o['r'] !== 'string' || typeof o['e'] !== 'number' || !ACTIONS.includes(o['a'] as NodeRecordingAction) || !(o['b'] === null || typeof o['b'] === 'string')) {
    return { ok: false, reason: 'malformed token' };
  }
  const claim: NodeRecordingClaim = { node: o['n'], callId: o['r'], action: o['a'] as NodeRecordingAction, by: o['b'] as string | null, exp: o['e'] };
  if (claim.exp < now) return { ok: false, reason: 'expired token' };
  if (claim.node !== want.node) return { ok: false, reason: `token for node ${claim.node}, not this node (${want.node})` };
  if (claim.callId !== want.callId || claim.action !== want.action) return { ok: false, reason: 'token for another recording or action' };
  return { ok: true, claim };
}
