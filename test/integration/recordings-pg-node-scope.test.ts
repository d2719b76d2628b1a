/**
 * On PostgreSQL each engine node's recorder holds the files of its own recordings only (#18, scale-out): its daily
 * retention sweep deletes its own expired recordings and leaves another node's (whose files are on that node's disk:
 * marking them deleted here would strand them there for ever), and a deletion asked of it for another node's
 * recording is refused (409 naming that node), the files and row untouched. Real PostgreSQL, a real recorder, the
 * default retention (90 days: its days × 86 400 000 overflowed PostgreSQL's integer, so the sweep never ran there).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../engine/clock/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { RecordingError, Recordings } from '../../engine/recordings/index.js';
import { pgRecorderStore } from '../../engine/store/pg/index.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';

const DAY = 86_400_000;
let db: MigratedTestDatabase;
let dir: string;

beforeAll(async () => {
  db = await openMigratedTestDatabase('node_recordings_scope');
  dir = mkdtempSync(join(tmpdir(), 'rec-scope-'));
}, 60_000);

afterAll(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("a node's sweep and deletions touch its own recordings only", async () => {
  const store = pgRecorderStore(db.pool);
  const now = Date.now();
  mkdirSync(join(dir, 'files'), { recursive: true });
  for (const [id, nodeId] of [['mine-old', 'n1'], ['theirs-old', 'n2'], ['theirs-young', 'n2']] as const) {
    const at = id.endsWith('old') ? now - 200 * DAY : now - DAY;
    await store.recordings.start({ callId: id, name: id, campaignId: null, agentId: null, bridgeId: null, at, nodeId });
    const file = join(dir, 'files', `${id}.wav`);
    writeFileSync(file, 'RIFF');
    await store.recordings.update(id, { state: 'ready', wavPath: file, wavBytes: 4 }, at + 1);
  }
  const rec = new Recordings({
    events: new DomainEvents(),
    ari: { connected: true, execute: async () => undefined, storedRecordingFile: async () => Buffer.alloc(0) },
    store,
    clock: systemClock,
    logger: silentLogger,
    nodeId: 'n1',
    dir: join(dir, 'rec'),
    records: () => false,
  });
  try {
    expect(await rec.sweep()).toBe(1);
    const states = Object.fromEntries((await db.pool.query(`select call_id, state from recordings`)).rows.map((r: { call_id: string; state: string }) => [r.call_id, r.state]));
    expect(states).toEqual({ 'mine-old': 'deleted', 'theirs-old': 'ready', 'theirs-young': 'ready' });
    expect(existsSync(join(dir, 'files', 'mine-old.wav'))).toBe(false);
    expect(existsSync(join(dir, 'files', 'theirs-old.wav'))).toBe(true);

    const refused = await rec.delete('theirs-young', 'u1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RecordingError);
    expect(refused).toMatchObject({ status: 409, message: expect.stringContaining('node n2') });
    expect(existsSync(join(dir, 'files', 'theirs-young.wav'))).toBe(true);
    expect((await store.recordings.get('theirs-young'))?.state).toBe('ready');
  } finally {
    await rec.close();
  }
}, 30_000);
