import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * What a password must be (NIST SP 800-63B / OWASP ASVS: length, and not guessable — no composition rules):
 *
 * - 12 to 1,024 characters;
 * - not one of the ~49,000 most common passwords (the ranked list that zxcvbn-ts ships, from leaked password
 *   sets), also when digits or symbols are only added around one ("password1234", "!Dragon2024") or it is written
 *   in leetspeak ("p@ssw0rd1234");
 * - not trivial: at least 5 different characters, not a short pattern repeated ("abcabcabcabc"), not mostly a run
 *   of sequential or keyboard characters ("123456789012", "qwertyuiop12");
 * - not based on the username ("ana.mora2024!" for ana.mora), nor on the product's name.
 *
 * Pure apart from reading the list once. Returns why a password is refused (a phrase that follows the field name:
 * "password is a common password"), or null.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;

const CONTEXT_WORDS = ['centralita'];
const MIN_DISTINCT = 5;
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwertzuiop', 'azertyuiop', 'qazwsxedc'];
const LEET: Record<string, string> = { '@': 'a', '4': 'a', '8': 'b', '3': 'e', '1': 'i', '!': 'i', '0': 'o', '$': 's', '5': 's', '7': 't', '2': 'z' };

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (common === undefined) {
    const path = createRequire(import.meta.url).resolve('@zxcvbn-ts/language-common/src/passwords.json');
    common = new Set((JSON.parse(readFileSync(path, 'utf8')) as string[]).map((p) => p.toLowerCase()));
  }
  return common;
}

/** The word inside digits and symbols: "!Dragon2024" → "dragon". */
const core = (p: string): string => p.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
const unleet = (p: string): string => p.replace(/[@483105!$72]/g, (c) => LEET[c] ?? c);

function isCommon(lower: string): boolean {
  const list = commonPasswords();
  for (const candidate of new Set([lower, core(lower), unleet(lower), core(unleet(lower))])) {
    if (candidate.length >= 4 && list.has(candidate)) return true;
  }
  return false;
}

/** Characters that belong to a run of ≥ 3 consecutive code points (abc, 987) or keyboard neighbours (qwe, 789). */
function sequentialCount(lower: string): number {
  const inRun = new Array<boolean>(lower.length).fill(false);
  const step = (a: string, b: string): number => {
    const d = b.charCodeAt(0) - a.charCodeAt(0);
    if (d === 1 || d === -1) return d;
    for (const row of KEYBOARD_ROWS) {
      const i = row.indexOf(a);
      if (i >= 0 && row[i + 1] === b) return 2;
      if (i >= 0 && i > 0 && row[i - 1] === b) return -2;
    }
    return 0;
  };
  let start = 0;
  let dir = 0;
  for (let i = 1; i <= lower.length; i++) {
    const d = i < lower.length ? step(lower[i - 1]!, lower[i]!) : 0;
    if (d !== 0 && (dir === 0 || d === dir)) {
      dir = d;
      continue;
    }
    if (i - start >= 3 && dir !== 0) for (let k = start; k < i; k++) inRun[k] = true;
    start = d === 0 ? i : i - 1;
    dir = d;
  }
  return inRun.filter(Boolean).length;
}

function repeatsShortPattern(p: string): boolean {
  for (let period = 1; period <= 4; period++) {
    if (p.length >= period * 3 && p === p.slice(0, period).repeat(Math.ceil(p.length / period)).slice(0, p.length)) return true;
  }
  return false;
}

/** Why a password is refused: a stable rule (the 422 detail's `params.rule`, worded by the web), its values, the English. */
export interface PasswordRefusal {
  rule: 'password_too_short' | 'password_too_long' | 'password_common' | 'password_repetitive' | 'password_sequence' | 'password_username' | 'password_context_word';
  params: Record<string, string | number>;
  problem: string;
}

/** Why `password` (without the username/context check) is guessable, or null. */
function guessable(password: string): PasswordRefusal | null {
  const lower = password.toLowerCase();
  if (isCommon(lower)) return { rule: 'password_common', params: {}, problem: 'is a common password (also with digits, symbols or leetspeak around it)' };
  if (new Set(lower).size < MIN_DISTINCT || repeatsShortPattern(lower)) return { rule: 'password_repetitive', params: { min: MIN_DISTINCT }, problem: `is too repetitive (use at least ${MIN_DISTINCT} different characters)` };
  if (lower.length - sequentialCount(lower) < 4) return { rule: 'password_sequence', params: {}, problem: 'is mostly a sequence like 1234, abcd or qwerty' };
  return null;
}

/** Why `password` is refused, with its rule, or null. */
export function passwordRefusal(password: string, context: { username?: string } = {}): PasswordRefusal | null {
  if (password.length < PASSWORD_MIN) return { rule: 'password_too_short', params: { min: PASSWORD_MIN }, problem: `must be at least ${PASSWORD_MIN} characters` };
  if (password.length > PASSWORD_MAX) return { rule: 'password_too_long', params: { max: PASSWORD_MAX }, problem: `must be at most ${PASSWORD_MAX} characters` };
  const plain = guessable(password);
  if (plain !== null) return plain;
  // Based on the username or the product: what is left once that word is taken out must stand on its own.
  const lower = password.toLowerCase();
  for (const word of [context.username?.toLowerCase(), ...CONTEXT_WORDS]) {
    if (word === undefined || word.length < 3 || !lower.includes(word)) continue;
    const rest = lower.split(word).join('');
    if (core(rest).length < 8 || guessable(rest) !== null) {
      return word === context.username?.toLowerCase()
        ? { rule: 'password_username', params: {}, problem: 'must not be based on the username' }
        : { rule: 'password_context_word', params: { word }, problem: `must not be based on the word "${word}"` };
    }
  }
  return null;
}

/** The English phrase of `passwordRefusal` (follows the field name: "password is a common password"), or null. */
export function passwordProblem(password: string, context: { username?: string } = {}): string | null {
  return passwordRefusal(password, context)?.problem ?? null;
}

/** A refusal as the 422 detail of `field`: the English problem, and `params.rule` for clients that localize. */
export function passwordDetail(field: string, r: PasswordRefusal): { field: string; problem: string; code: string; params: Record<string, string | number> } {
  return { field, problem: r.problem, code: 'custom', params: { ...r.params, rule: r.rule } };
}
