import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters; they travel with each hash (`scrypt$N$r$p$…`), so a login verifies at the hash's own cost. */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

/** scrypt cost: N=2^15, r=8, p=1 (≈32 MB, ~0.1 s of CPU) — OWASP's minimum for interactive logins. The product's only cost. */
export const PASSWORD_COST: Readonly<PasswordCost> = { N: 1 << 15, r: 8, p: 1 };
const KEY_LEN = 64;

function options(o: PasswordCost): ScryptOptions {
  return { N: o.N, r: o.r, p: o.p, maxmem: 128 * o.N * o.r * 2 };
}

function derive(password: string, salt: Buffer, o: PasswordCost): Promise<Buffer> {
  const opts = options(o);
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * `scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can be raised later without a migration.
 * `cost` is PASSWORD_COST everywhere in the product; only the API test harness passes a lower one (through
 * createApiApp, an option no configuration reaches).
 */
export async function hashPassword(password: string, cost: Readonly<PasswordCost> = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  return format(salt, await derive(password, salt, cost), cost);
}

/** Blocking variant for start-up only (first admin), where nothing else is being served yet. */
export function hashPasswordSync(password: string, cost: Readonly<PasswordCost> = PASSWORD_COST): string {
  const salt = randomBytes(16);
  return format(salt, scryptSync(password, salt, KEY_LEN, options(cost)), cost);
}

function format(salt: Buffer, key: Buffer, cost: Readonly<PasswordCost>): string {
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LEN) return false;
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  return timingSafeEqual(key, expected);
}

/**
 * A hash of a random password, computed once per cost: logins for unknown users verify against it so that "no such
 * user" takes as long as "wrong password" (a user's hash of the same cost) and does not reveal which usernames exist.
 */
const decoys = new Map<string, Promise<string>>();
export function decoyHash(cost: Readonly<PasswordCost> = PASSWORD_COST): Promise<string> {
  const key = `${cost.N}$${cost.r}$${cost.p}`;
  let decoy = decoys.get(key);
  if (decoy === undefined) {
    decoy = hashPassword(randomBytes(16).toString('hex'), cost);
    decoys.set(key, decoy);
  }
  return decoy;
}
