import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../../api/auth/password-policy.js';

/** Issue #11 item 7: length alone let "aaaaaaaaaaaa" and "password1234" through. */
describe('password policy', () => {
  it('refuses common passwords, also with digits, symbols or leetspeak around them', () => {
    for (const p of ['password1234', 'Password1234!', 'p@ssw0rd1234', '!!qwerty2024!!', 'iloveyou1234', 'football2024', '123456789012']) {
      expect(passwordProblem(p), p).not.toBeNull();
    }
    expect(passwordProblem('password1234')).toMatch(/common password/);
  });

  it('refuses trivial passwords: repeated characters, short patterns, sequences and keyboard runs', () => {
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/too repetitive/);
    expect(passwordProblem('abababababab')).toMatch(/too repetitive/);
    expect(passwordProblem('abcdabcdabcd')).toMatch(/too repetitive/);
    expect(passwordProblem('abcdefghijkl')).toMatch(/sequence/);
    expect(passwordProblem('zyxwvutsrqpo')).toMatch(/sequence/);
    expect(passwordProblem('qwertyuiop12')).toMatch(/sequence|common/);
    expect(passwordProblem('1234567890ab')).toMatch(/sequence|common/);
  });

  it('refuses passwords based on the username or the product, but not ones that merely contain them', () => {
    expect(passwordProblem('ana.mora2024!', { username: 'ana.mora' })).toBe('must not be based on the username');
    expect(passwordProblem('Admin12345678', { username: 'admin' })).not.toBeNull();
    expect(passwordProblem('zq.ana.mora.zq', { username: 'ana.mora' })).toBe('must not be based on the username');
    expect(passwordProblem('centralita2024', { username: 'ana' })).toBe('must not be based on the word "centralita"');
    expect(passwordProblem('admin-password-for-tests', { username: 'admin' })).toBeNull();
  });

  it('accepts long passphrases and random passwords; checks length first', () => {
    for (const p of ['correct horse battery staple', 'user-password-for-tests', 'Cafe con leche a las 9', 'kT7#pq2Lm9!x', 'a-long-password!']) {
      expect(passwordProblem(p, { username: 'ana' }), p).toBeNull();
    }
    expect(passwordProblem('short')).toBe('must be at least 12 characters');
    expect(passwordProblem('x'.repeat(1025))).toBe('must be at most 1024 characters');
  });
});
