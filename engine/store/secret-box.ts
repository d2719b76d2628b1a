/**
 * Secrets kept at rest that Centralita must give back in clear (a carrier trunk's password goes into Asterisk's
 * PJSIP config), so they are encrypted, not hashed: AES-256-GCM under a key derived with HKDF-SHA256 from a
 * configured secret (SECRETS_KEY, else JWT_SECRET — see engine/config/schema.ts). There is no built-in key: with
 * no secret configured nothing can be sealed (`secretBox` returns null and callers refuse to store one).
 *
 * Stored form: `enc:v1:` + base64url(12-byte IV ‖ 16-byte tag ‖ ciphertext). The additional data binds a value to
 * its row (the trunk's name), so a sealed password copied onto another trunk does not open. A value without the
 * prefix is a plaintext left from before encryption (migration 0012's rows): `open` gives it back as is, and
 * `isSealed` lets the store seal those rows in place (TrunkRepo.sealPlaintext).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'enc:v1:';

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The box of a configured secret (≥ 32 characters, as the config schema requires). */
  static fromSecret(secret: string): SecretBox {
    if (secret.length < 32) throw new Error('a secrets key must be at least 32 characters');
    return new SecretBox(Buffer.from(hkdfSync('sha256', secret, 'centralita', 'secrets-at-rest v1', 32)));
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED_PREFIX);
  }

  seal(plain: string, boundTo: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
  }

  /** The clear value; a plaintext (no prefix) as is. Throws when the key or the row does not match. */
  open(stored: string, boundTo: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
    if (raw.length < 28) throw new Error('sealed secret is truncated');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(boundTo, 'utf8'));
    d.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    } catch {
      throw new Error('sealed secret does not open with this key (SECRETS_KEY changed?)');
    }
  }
}

/** The box of the configuration's secret: SECRETS_KEY, else JWT_SECRET; null when neither is set. */
export function secretBox(config: { SECRETS_KEY?: string | undefined; JWT_SECRET?: string | undefined }): SecretBox | null {
  const secret = config.SECRETS_KEY ?? config.JWT_SECRET;
  return secret === undefined ? null : SecretBox.fromSecret(secret);
}

/**
 * A stored secret in clear with the box of this process, or why not: `no_key` (sealed, and no SECRETS_KEY nor
 * JWT_SECRET here), `unreadable` (sealed under another key, or for another row). A plaintext left from before
 * encryption needs no key. Callers word the reason for their own readers (the API's 409, a node's push answer).
 */
export function openStored(box: SecretBox | null, stored: string, boundTo: string): { clear: string } | { problem: 'no_key' | 'unreadable' } {
  if (!SecretBox.isSealed(stored)) return { clear: stored };
  if (box === null) return { problem: 'no_key' };
  try {
    return { clear: box.open(stored, boundTo) };
  } catch {
    return { problem: 'unreadable' };
  }
}
