/**
 * The product hashes every password at PASSWORD_COST (scrypt N=2^15); only the API test harness lowers it, through
 * createApiApp's `testPasswordCost`, which no configuration reaches.
 *
 * - an app built without it (as app/product.ts, app/pg and the CLI build theirs) stores the first admin, a user made
 *   over the API and a changed password at N=2^15, and logins verify them;
 * - with it, the same hashes are at the lower cost (what the harness relies on), and logins verify them the same way;
 * - the decoy an unknown user's login verifies against is of the same cost as the users' hashes (N=2^15 by default);
 * - no source outside test/ names `testPasswordCost` except the API app that takes it: no start, command or config
 *   passes it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decoyHash } from '../../../api/auth/passwords.js';
import { harness, TEST_PASSWORD_COST, type Harness } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const open: Harness[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

async function storedHashes(h: Harness): Promise<string[]> {
  await h.app.ready;
  const admin = h.bearer(await h.login('admin'));
  const made = await h.json('POST', '/api/users', { username: 'supervisora', password: 'a-long-password-1', role: 'supervisor' }, admin);
  expect(made.status).toBe(201);
  const own = h.bearer(await h.login('supervisora', 'a-long-password-1'));
  const changed = await h.json('POST', '/api/auth/password', { current_password: 'a-long-password-1', new_password: 'another-long-password-2' }, own);
  expect(changed.status).toBeLessThan(300);
  await h.login('supervisora', 'another-long-password-2');
  return Promise.all(['admin', 'supervisora'].map(async (u) => (await h.app.auth.users.byUsername(u))!.passwordHash));
}

describe('password cost', () => {
  it("an app built as the product builds it hashes the first admin, a new user and a changed password at N=2^15", async () => {
    const h = harness({ testPasswordCost: undefined });
    open.push(h);
    const hashes = await storedHashes(h);
    for (const hash of hashes) expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it("the harness's apps hash at the test cost, and logins verify those hashes", async () => {
    const h = harness();
    open.push(h);
    const hashes = await storedHashes(h);
    for (const hash of hashes) expect(hash.startsWith(`scrypt$${TEST_PASSWORD_COST.N}$8$1$`)).toBe(true);
  });

  it("the unknown user's decoy hash is of the users' cost: N=2^15 unless the test cost is asked for", async () => {
    expect(await decoyHash()).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await decoyHash(TEST_PASSWORD_COST)).toMatch(new RegExp(`^scrypt\\$${TEST_PASSWORD_COST.N}\\$8\\$1\\$`));
    expect(await decoyHash()).toBe(await decoyHash());
  });

  it('no source outside test/ passes testPasswordCost: only the API app takes it', () => {
    const named: string[] = [];
    for (const dir of ['api', 'app', 'engine', 'bin', 'bench', 'scripts']) {
      for (const rel of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
        if (rel.split(path.sep).includes('node_modules') || !/\.(ts|mts|js|mjs)$/.test(rel)) continue;
        const file = path.join(dir, rel);
        if (readFileSync(path.join(ROOT, file), 'utf8').includes('testPasswordCost')) named.push(file.split(path.sep).join('/'));
      }
    }
    expect(named).toEqual(['api/app.ts']);
  });
});
