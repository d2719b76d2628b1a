/**
 * Who is "in queue now": a caller is in a queue only between ENTERQUEUE and CONNECT or an exit line (ABANDON,
 * EXITWITHTIMEOUT, EXITWITHKEY, …). A caller talking to an agent is an open call but no longer in the queue. The
 * Queues screen's "Callers in queue now" listed the talking ones too (test/fixtures/queuelog/in-queue.queue_log).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QueueLogAnalysis } from '../../../engine/analytics/index.js';

const FILE = fileURLToPath(new URL('../../fixtures/queuelog/in-queue.queue_log', import.meta.url));

function analyse(lines?: number) {
  const all = readFileSync(FILE, 'utf8').split('\n').filter((l) => l !== '');
  const a = new QueueLogAnalysis({ serviceLevel: () => 20, timeZone: 'America/Costa_Rica' });
  a.push(Buffer.from(all.slice(0, lines ?? all.length).map((l) => `${l}\n`).join('')));
  a.end();
  return a;
}

describe('callers in queue now', () => {
  it('counts a caller from ENTERQUEUE until CONNECT or an exit; talking callers are open calls, not in queue', () => {
    const a = analyse();
    // w1 waits (a RINGNOANSWER elsewhere does not matter); t1 was connected to Beto and is talking; a1 abandoned,
    // x1 timed out, k1 left with a key; d1 connected and completed; m1's CONNECT came with no ENTERQUEUE seen
    // (the log began mid-wait): talking.
    expect(a.aggregator.inQueue().map((c) => c.callid)).toEqual(['w1']);
    expect(a.aggregator.openCalls().map((c) => c.callid).sort()).toEqual(['m1', 't1', 'w1']);
    const m = a.result().metrics;
    expect(m.in_queue).toBe(1);
    expect(m.open_calls).toBe(3);
  });

  it('follows the log line by line: in queue after ENTERQUEUE, out at CONNECT', () => {
    // After the six ENTERQUEUE lines (+ 2 ADDMEMBER): all six wait.
    expect(analyse(8).aggregator.inQueue()).toHaveLength(6);
    // After t1's RINGNOANSWER: still waiting (rang an agent who did not answer).
    expect(analyse(9).aggregator.inQueue().map((c) => c.callid)).toContain('t1');
    // After t1's CONNECT: t1 talks, out of the queue.
    const afterConnect = analyse(10).aggregator;
    expect(afterConnect.inQueue().map((c) => c.callid)).not.toContain('t1');
    expect(afterConnect.openCalls().find((c) => c.callid === 't1')).toMatchObject({ agent: 'Beto', waitS: 14 });
    // After ABANDON, EXITWITHTIMEOUT, EXITWITHKEY: only w1 and d1 wait.
    expect(analyse(13).aggregator.inQueue().map((c) => c.callid).sort()).toEqual(['d1', 'w1']);
  });
});
