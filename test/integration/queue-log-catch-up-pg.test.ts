/**
 * The queue_log table catching up from a node's own file (app/queue-log-catch-up.ts) on a real PostgreSQL: the
 * well-formed lines after the table's last line for the node go in under the seq that continues it; a malformed line
 * is counted and skipped, a torn last line left out (and the writer started again goes on on a fresh line after it);
 * a second run inserts nothing; a file behind the table, a rotated
 * file (`<file>.1`), a replaced one and one whose lines differ from the table's are each told apart — and in none of
 * those is a line put under a seq that is not its own.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catchUpQueueLog, queueLogColumns, queueLogLineOf } from '../../app/index.js';
import { QueueLogFile } from '../../engine/analytics/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { PgQueueLog } from '../../engine/store/pg/index.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';

let db: MigratedTestDatabase;
let dir: string;
let table: PgQueueLog;
const NODE = 'node-log-n1';

/** The n-th line of a node's stream (1-based): distinct text per line, as real lines are (time, call id). */
const line = (n: number, tag = 'x') => `${1_765_000_000 + n}|call-${n}|Sales|Ana|CONNECT|${n % 7}|${tag}|1`;
const lines = (from: number, to: number, tag?: string) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i, tag));
const text = (ls: string[]) => `${ls.join('\n')}\n`;

async function seedTable(from: number, to: number): Promise<void> {
  await table.append(NODE, lines(from, to).map((l, i) => ({ ...queueLogColumns(l)!, seq: from + i })));
}

async function tableLines(): Promise<Array<[number, string]>> {
  const rows = await table.readAfter({}, 1_000_000);
  return rows.filter((r) => r.nodeId === NODE).map((r) => [r.seq, queueLogLineOf(r)]);
}

const expectTable = async (ls: string[]) => expect(await tableLines()).toEqual(ls.map((l, i) => [i + 1, l]));

beforeAll(async () => {
  db = await openMigratedTestDatabase('ct_node_log_catchup');
  table = new PgQueueLog(db.pool);
  dir = mkdtempSync(join(tmpdir(), 'node-log-catchup-'));
}, 60_000);

afterAll(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let file: string;
let n = 0;
beforeEach(async () => {
  await db.pool.query('delete from queue_log');
  file = join(dir, `queue_log.${++n}`);
});

const run = (o: { maxBytes?: number } = {}) => catchUpQueueLog({ nodeId: NODE, file, table, logger: silentLogger, ...o });

describe('catchUpQueueLog', () => {
  it('no line of the node in the table: every well-formed line from seq 1, a malformed one counted, a torn end left out; a second run inserts nothing', async () => {
    writeFileSync(file, `${text([...lines(1, 3), 'not a queue_log line', ...lines(4, 6)])}1765000099|call-torn|Sales|Ana|CONN`);
    const first = await run();
    expect(first).toMatchObject({ outcome: 'from-start', tableSeq: 0, inserted: 6, fromSeq: 1, toSeq: 6, malformed: 1, partial: true, error: null });
    await expectTable(lines(1, 6));
    // Another table row of another node does not disturb this one's stream.
    await table.append('node-other', [{ ...queueLogColumns(line(1))!, seq: 1 }]);
    const second = await run();
    expect(second).toMatchObject({ outcome: 'anchored', tableSeq: 6, inserted: 0, malformed: 0 });
    await expectTable(lines(1, 6));
  });

  it('a torn last line (killed mid-write): left out, the writer started again goes on on a fresh line, and the next catch-up inserts what the table lacks after it', async () => {
    await seedTable(1, 10);
    writeFileSync(file, `${text(lines(1, 10))}1765000099|call-torn|Sales|Ana|CONN`);
    expect(await run()).toMatchObject({ outcome: 'anchored', tableSeq: 10, inserted: 0, partial: true });
    // The writer of the next start: its lines 11… go to the file, the table has 11–14 when it is killed again.
    const out = new QueueLogFile(file);
    for (const l of lines(11, 16)) out.append(l);
    await out.flush();
    await table.append(NODE, lines(11, 14).map((l, i) => ({ ...queueLogColumns(l)!, seq: 11 + i })));
    expect(readFileSync(file, 'utf8')).toBe(`${text(lines(1, 10))}1765000099|call-torn|Sales|Ana|CONN\n${text(lines(11, 16))}`);
    expect(await run()).toMatchObject({ outcome: 'anchored', tableSeq: 14, inserted: 2, fromSeq: 15, toSeq: 16, partial: false });
    await expectTable(lines(1, 16));
  });

  it('the table behind the file (a stop with PostgreSQL away, a kill -9): the rest inserted under the seq that follows', async () => {
    await seedTable(1, 10);
    writeFileSync(file, text(lines(1, 15)));
    expect(await run()).toMatchObject({ outcome: 'anchored', tableSeq: 10, inserted: 5, fromSeq: 11, toSeq: 15, fileBehind: 0 });
    await expectTable(lines(1, 15));
  });

  it('a file with fewer lines than the table: nothing inserted, the gap counted', async () => {
    await seedTable(1, 20);
    writeFileSync(file, text(lines(1, 15)));
    expect(await run()).toMatchObject({ outcome: 'anchored', inserted: 0, fileBehind: 5 });
    await expectTable(lines(1, 20));
  });

  it('rotated since the table\'s last line: <file>.1 read before the file', async () => {
    await seedTable(1, 10);
    writeFileSync(`${file}.1`, text(lines(1, 12)));
    writeFileSync(file, text(lines(13, 20)));
    expect(await run()).toMatchObject({ outcome: 'anchored-rotated', inserted: 10, fromSeq: 11, toSeq: 20 });
    await expectTable(lines(1, 20));
  });

  it('a file replaced or truncated (none of the table\'s lines in it): nothing inserted', async () => {
    await seedTable(1, 10);
    writeFileSync(file, text(lines(1, 5, 'other')));
    expect(await run()).toMatchObject({ outcome: 'not-found', inserted: 0 });
    await expectTable(lines(1, 10));
  });

  it('the file\'s lines after the anchor differ from the table\'s: nothing inserted', async () => {
    await seedTable(1, 10);
    writeFileSync(file, text([...lines(1, 8), ...lines(9, 12, 'other')]));
    expect(await run()).toMatchObject({ outcome: 'diverged', inserted: 0 });
    await expectTable(lines(1, 10));
  });

  it('an anchor far from the file\'s end: the window read from the end widens until it holds it', async () => {
    await seedTable(1, 10);
    writeFileSync(file, text(lines(1, 10)));
    appendFileSync(file, text(lines(11, 30_000)));
    const r = await run();
    expect(r).toMatchObject({ outcome: 'anchored', inserted: 29_990, fromSeq: 11, toSeq: 30_000 });
    expect(Number((await db.pool.query(`select count(*)::int as n from queue_log where node_id = $1`, [NODE])).rows[0].n)).toBe(30_000);
    expect(await table.lastSeq(NODE)).toBe(30_000);
    // Bounded: read no further back than maxBytes — not found there, nothing inserted.
    await db.pool.query(`delete from queue_log where seq > 10`);
    expect(await run({ maxBytes: 64 * 1024 })).toMatchObject({ outcome: 'not-found', inserted: 0 });
  });

  it('QUEUE_LOG_FILE=off and a file not there yet: nothing to do', async () => {
    expect(await catchUpQueueLog({ nodeId: NODE, file: null, table, logger: silentLogger })).toMatchObject({ outcome: 'off', inserted: 0 });
    expect(await run()).toMatchObject({ outcome: 'no-file', inserted: 0 });
  });
});
