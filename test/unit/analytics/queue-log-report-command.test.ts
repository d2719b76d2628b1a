/**
 * `npm run queuelog:report -- --file … --json` as other tools run it: its last line is the JSON object of
 * issue #16 with exactly its keys; --queues-conf and --servicelevel decide the service level; the older
 * layout (Asterisk 1.2/1.4 lines with fewer data fields) gives the figures worked out by hand.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = `${ROOT}test/fixtures/queuelog/`;
const run = promisify(execFile);

async function report(...args: string[]): Promise<{ json: Record<string, unknown>; stdout: string }> {
  const { stdout } = await run(process.execPath, [`${ROOT}bin/centralita.mjs`, 'queuelog:report', ...args, '--json'], { cwd: ROOT });
  const lines = stdout.trimEnd().split('\n');
  return { json: JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>, stdout };
}

const QUEUE_KEYS = [
  'offered', 'answered', 'abandoned', 'timeout', 'exitwithkey', 'exitempty', 'withdraw', 'asa_s', 'max_wait_answered_s',
  'avg_talk_s', 'total_talk_s', 'answered_within_sl', 'sl_pct_of_answered', 'sl_pct_of_answered_plus_abandoned', 'ringnoanswer',
];

describe('queuelog:report command', () => {
  it('prints the JSON shape of the issue as its last line, keys verbatim', async () => {
    const { json, stdout } = await report('--file', `${FIX}queue_log`, '--queues-conf', `${FIX}queues.conf`);
    expect(Object.keys(json)).toEqual(['lines', 'kept', 'malformed', 'queues', 'agents']);
    expect(json.lines).toBe(58);
    expect(json.kept).toBe(51);
    expect((json.malformed as unknown[])[0]).toEqual({ line: 10, reason: 'empty line' });
    const queues = json.queues as Record<string, Record<string, number>>;
    expect(Object.keys(queues)).toEqual(['sales', 'support']);
    for (const q of Object.values(queues)) expect(Object.keys(q)).toEqual(QUEUE_KEYS);
    expect(queues.sales!.answered_within_sl).toBe(2);
    const agents = json.agents as Record<string, Record<string, number>>;
    expect(Object.keys(agents.Ana!)).toEqual(['calls_answered', 'talk_s', 'ringnoanswer']);
    // The human table labels app_queue's own figures apart.
    expect(stdout).toContain('app_queue SL / SL2');
    expect(stdout).toMatch(/sales\s+8\s+3\s+1\s+15\.67\s+70\s+66\.67\s+50\s+66\.67 \/\s+57\.14\s+20/);
  }, 30_000);

  it('--servicelevel wins over queues.conf', async () => {
    const { json } = await report('--file', `${FIX}queue_log`, '--queues-conf', `${FIX}queues.conf`, '--servicelevel', 'sales=10');
    const sales = (json.queues as Record<string, Record<string, number>>).sales!;
    expect(sales.answered_within_sl).toBe(1); // waits 12, 25, 10: only 10 ≤ 10
    expect(sales.sl_pct_of_answered).toBe(33.33);
    expect(sales.sl_pct_of_answered_plus_abandoned).toBe(25);
  }, 30_000);

  it('reads the older layout (fewer data fields per event)', async () => {
    const { json, stdout } = await report('--file', `${FIX}queue_log.legacy`);
    expect(json.lines).toBe(11);
    expect(json.kept).toBe(11);
    expect((json.queues as Record<string, unknown>).ventas).toEqual({
      offered: 3, answered: 2, abandoned: 1, timeout: 0, exitwithkey: 0, exitempty: 0, withdraw: 0,
      asa_s: 7.5, max_wait_answered_s: 10, avg_talk_s: 75, total_talk_s: 150, answered_within_sl: 2,
      sl_pct_of_answered: 100, sl_pct_of_answered_plus_abandoned: 66.67, ringnoanswer: 1,
    });
    expect(stdout).toContain('unknown events: TRANSFER 1');
    expect(stdout).toContain('layouts: 7 data1…data5, 4 single data');
  }, 30_000);

  it('names a bad option and exits 2', async () => {
    await expect(run(process.execPath, [`${ROOT}bin/centralita.mjs`, 'queuelog:report', '--file', `${FIX}queue_log`, '--servicelevel', 'sales=ten'], { cwd: ROOT })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('servicelevel "sales=ten" is not queue=seconds'),
    });
  }, 30_000);
});
