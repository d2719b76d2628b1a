/**
 * The PostgreSQL side of describeApiDialects: users `addUser` wrote in a test that sent no request must land before
 * the next test's `make()` empties the tables — else they land in the next test's database, collide with its users
 * (23505 on username) and log in where they should not exist.
 */
import { expect, it } from 'vitest';
import { describeApiDialects } from './harness.js';

describeApiDialects(
  'harness: a test that writes users and sends nothing',
  (make) => {
    it('adds a user and ends without a request', async () => {
      const h = await make();
      h.addUser('quiet', 'supervisor');
      h.addUser('quiet2', 'agent');
      h.close();
    });

    it('the next test starts on an empty database: the same usernames are free, only its own users exist', async () => {
      const h = await make();
      h.addUser('quiet', 'agent');
      const token = await h.login('quiet');
      const me = await h.json('GET', '/api/auth/me', undefined, h.bearer(token));
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { role: string } }).user.role).toBe('agent');
      // quiet2 was the previous test's: gone with its database.
      await expect(h.login('quiet2')).rejects.toThrow(/login quiet2 → 401/);
      h.close();
    });
  },
  { prefix: 'api_harness_settle' },
);
