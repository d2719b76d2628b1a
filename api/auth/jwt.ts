import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../engine/store/index.js';

/** Claims of an access token. Times are seconds (RFC 7519). */
export interface AccessClaims {
  sub: string;
  role: Role;
  /** The session (refresh-token family) the token belongs to: logging out of it ends the token too. */
  sid: string;
  /** The user's auth version when issued: a password change or deactivation moves it on and ends the token. */
  ver: number;
  iat: number;
  exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

/** HS256 JWT. Written on node:crypto rather than hono/jwt so expiry is checked against our Clock, not Date.now(). */
export function signAccessToken(claims: AccessClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${HEADER}.${body}.${sign(`${HEADER}.${body}`, secret)}`;
}

/** The claims when the signature is ours, the header is HS256 (no `alg: none` games) and `nowMs` is before exp. */
export function verifyAccessToken(token: string, secret: string, nowMs: number): AccessClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, b, s] = parts as [string, string, string];
  if (h !== HEADER) return null;
  const expected = Buffer.from(sign(`${h}.${b}`, secret));
  const given = Buffer.from(s);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(b, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const c = claims as Partial<AccessClaims>;
  if (typeof c.sub !== 'string' || typeof c.role !== 'string' || typeof c.exp !== 'number' || typeof c.iat !== 'number') return null;
  if (typeof c.sid !== 'string' || typeof c.ver !== 'number') return null;
  if (nowMs >= c.exp * 1000) return null;
  return c as AccessClaims;
}
