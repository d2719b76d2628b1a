/**
 * Sources on real files: a folder of rotated files (plain and .gz, ordered by their content, a corrupt .gz
 * reported and skipped), and the live tail following appends, rotation and copytruncate during the tail, and a
 * restart in the middle of a file (also with the file rotated and gzip'd while the tail was down). Every case
 * ends with the same figures as one pass over the same lines: nothing lost, nothing counted twice. Polling runs
 * on a VirtualClock; nothing sleeps.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../engine/clock/index.js';
import {
  QueueLogAnalysis,
  QueueLogTail,
  readQueueLogFolder,
  reportJson,
  rotatedFiles,
  type AggregatorState,
  type QueueLogResult,
} from '../../../engine/analytics/index.js';

const FIX = fileURLToPath(new URL('../../fixtures/queuelog/queue_log', import.meta.url));
const ALL = readFileSync(FIX);
/** The fixture's lines, each with its newline. */
const LINES: Buffer[] = [];
for (let p = 0; p < ALL.length; ) {
  const nl = ALL.indexOf(10, p);
  LINES.push(ALL.subarray(p, nl + 1));
  p = nl + 1;
}
const part = (from: number, to?: number) => Buffer.concat(LINES.slice(from, to));

const opts = { serviceLevel: () => 20, timeZone: 'UTC' };
const create = (state?: AggregatorState) => new QueueLogAnalysis({ ...opts, state });

function onePass(...bufs: Buffer[]): QueueLogResult {
  const a = create();
  for (const b of bufs) {
    a.beginSource();
    a.push(b);
  }
  a.end();
  return a.result();
}

/** What must match: counts and every figure; malformed line numbers are per file, so only their reasons. */
function figures(r: QueueLogResult) {
  const j = reportJson(r);
  return { lines: j.lines, kept: j.kept, reasons: j.malformed.map((m) => m.reason), queues: j.queues, agents: j.agents, events: r.metrics.events };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'queuelog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('folder of rotated files', () => {
  it('reads .gz and plain files oldest first by their content, whatever the numbering', async () => {
    // "sequential" numbering (higher is newer) here; logrotate's is the reverse: the order comes from epochs.
    writeFileSync(path.join(dir, 'queue_log.1.gz'), gzipSync(part(0, 30)));
    writeFileSync(path.join(dir, 'queue_log.2'), part(30, 45));
    writeFileSync(path.join(dir, 'queue_log'), part(45));
    writeFileSync(path.join(dir, 'queue_log.3.gz'), gzipSync(part(0, 30)).subarray(0, 40)); // corrupt
    expect((await rotatedFiles(dir)).map((f) => path.basename(f))).toEqual(['queue_log.1.gz', 'queue_log.2', 'queue_log.3.gz', 'queue_log']);
    const a = create();
    await readQueueLogFolder(a, dir);
    const r = a.result();
    const got = figures(r);
    expect({ ...got, reasons: got.reasons.filter((x) => !x.startsWith('file not read')) }).toEqual(figures(onePass(part(0, 30), part(30, 45), part(45))));
    expect(r.malformedLines.find((m) => m.file === 'queue_log.3.gz')?.reason).toMatch(/^file not read to its end/);
    expect(r.malformedLines[0]).toEqual({ line: 10, reason: 'empty line', file: 'queue_log.1.gz' });
    expect(r.malformedLines.find((m) => m.reason === 'NUL byte')).toEqual({ line: 28, reason: 'NUL byte', file: 'queue_log.1.gz' });
  });
});

describe('live tail', () => {
  const file = () => path.join(dir, 'queue_log');
  const cpFile = () => path.join(dir, 'queue_log.checkpoint');
  const newTail = (clock: VirtualClock) => new QueueLogTail({ file: file(), checkpointFile: cpFile(), clock, pollMs: 1000, createAnalysis: create });

  it('follows appends, a half-written line included, on its polling clock', async () => {
    const clock = new VirtualClock(0);
    writeFileSync(file(), part(0, 20));
    const tail = newTail(clock);
    await tail.start();
    expect(tail.analysis.result().lines).toBe(20);
    const next = part(20, 30);
    appendFileSync(file(), next.subarray(0, 17)); // half a line
    clock.advance(1000);
    await tail.poll();
    expect(tail.analysis.result().lines).toBe(20);
    appendFileSync(file(), Buffer.concat([next.subarray(17), part(30)]));
    clock.advance(1000);
    await tail.poll();
    await tail.stop();
    expect(figures(tail.analysis.result())).toEqual(figures(onePass(ALL)));
    expect(tail.status()).toMatchObject({ rotations: 0, truncations: 0, lastError: null });
  });

  it('follows a rotation: the old file is finished through its handle, the new one read from 0', async () => {
    const clock = new VirtualClock(0);
    writeFileSync(file(), part(0, 25));
    const tail = newTail(clock);
    await tail.start();
    appendFileSync(file(), part(25, 35)); // written, not yet read
    renameSync(file(), path.join(dir, 'queue_log.1'));
    appendFileSync(path.join(dir, 'queue_log.1'), part(35, 40)); // Asterisk still writing to the old handle
    writeFileSync(file(), part(40));
    await clock.advanceAsync(1000, 1000);
    await tail.poll();
    await tail.stop();
    expect(tail.status().rotations).toBe(1);
    expect(figures(tail.analysis.result())).toEqual(figures(onePass(part(0, 40), part(40))));
  });

  it('follows copytruncate: the unread end comes from the copy, then the file from 0', async () => {
    const clock = new VirtualClock(0);
    writeFileSync(file(), part(0, 25));
    const tail = newTail(clock);
    await tail.start();
    appendFileSync(file(), part(25, 35));
    copyFileSync(file(), path.join(dir, 'queue_log.1'));
    truncateSync(file(), 0);
    appendFileSync(file(), part(35));
    await tail.poll();
    await tail.stop();
    expect(tail.status().truncations).toBe(1);
    expect(figures(tail.analysis.result())).toEqual(figures(onePass(part(0, 35), part(35))));
  });

  it('restarts in the middle of a file (mid-line too) without losing or double-counting a line', async () => {
    const clock = new VirtualClock(0);
    writeFileSync(file(), Buffer.concat([part(0, 30), LINES[30]!.subarray(0, 10)]));
    const first = newTail(clock);
    await first.start();
    await first.stop();
    const saved = JSON.parse(readFileSync(cpFile(), 'utf8')) as { offset: number; line: number };
    expect(saved).toMatchObject({ offset: part(0, 30).length, line: 30 });
    appendFileSync(file(), Buffer.concat([LINES[30]!.subarray(10), part(31)]));
    const second = newTail(clock);
    await second.start();
    await second.stop();
    expect(figures(second.analysis.result())).toEqual(figures(onePass(ALL)));
  });

  it('a checkpoint of an older state version is not resumed: the file is read again from its start', async () => {
    const clock = new VirtualClock(0);
    writeFileSync(file(), part(0, 30));
    const first = newTail(clock);
    await first.start();
    await first.stop();
    // As an older Centralita wrote it: totals without days, at the end of the first 30 lines.
    const cp = JSON.parse(readFileSync(cpFile(), 'utf8')) as { state: { v: number } };
    cp.state.v = 1;
    writeFileSync(cpFile(), JSON.stringify(cp));
    appendFileSync(file(), part(30));
    const second = newTail(clock);
    await second.start();
    await second.stop();
    expect(figures(second.analysis.result())).toEqual(figures(onePass(ALL)));
  });

  it('after a crash, resumes from the last checkpoint written by a poll', async () => {
    const clock = new VirtualClock(0);
    writeFileSync(file(), part(0, 30));
    const crashed = newTail(clock);
    await crashed.start(); // checkpoint written by the poll; never stopped (killed)
    appendFileSync(file(), part(30));
    const second = newTail(clock);
    await second.start();
    await second.stop();
    expect(figures(second.analysis.result())).toEqual(figures(onePass(ALL)));
    await crashed.stop(); // only to release its file handle and timer
  });

  it('restarts after the file was rotated and gzip\'d while it was down: the rest of the old file is read first', async () => {
    const clock = new VirtualClock(0);
    writeFileSync(file(), part(0, 30));
    const first = newTail(clock);
    await first.start();
    await first.stop();
    appendFileSync(file(), part(30, 40));
    writeFileSync(path.join(dir, 'queue_log.1.gz'), gzipSync(readFileSync(file())));
    rmSync(file());
    writeFileSync(file(), part(40));
    const second = newTail(clock);
    await second.start();
    await second.stop();
    // The new file may reuse the old inode (then it looks like a truncation): either way, one change of file.
    const st = second.status();
    expect({ changes: st.rotations + st.truncations, lastError: st.lastError }).toEqual({ changes: 1, lastError: null });
    expect(figures(second.analysis.result())).toEqual(figures(onePass(part(0, 40), part(40))));
  });
});
