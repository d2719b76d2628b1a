import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const NODE = randomBytes(5).toString('hex'); // per process: two engines never mint the same id
/** Never reset: callers may pass clocks that go back and forth (a virtual and the system clock in one process),
 * and a counter restarted per `at` would then mint the same id twice. */
let seq = 0;
const SEQ_SPACE = 32 ** 6;

function base32(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = ALPHABET[n % 32]! + s;
    n = Math.floor(n / 32);
  }
  return s;
}

/**
 * Ids that sort by creation time within a process (time, then a counter). Random UUIDs as a text primary key
 * scatter 100k-row imports across the whole index B-tree; these append. `at` is the caller's clock value.
 */
export function sortableId(at: number): string {
  seq = (seq + 1) % SEQ_SPACE;
  return `${base32(Math.max(0, Math.floor(at)), 10)}${base32(seq, 6)}${NODE}`;
}
