/**
 * The recorder on PostgreSQL (#18: engine/recordings over `pgRecorderStore`, as an engine node runs it) when the
 * connection is lost while a recorded call ends: PostgreSQL behind a TCP proxy that resets every connection and then
 * refuses new ones. Nothing may crash and nothing may be lost: the agent's pause and resume still answer (kept in
 * memory), the call's end, the closed pause and the fetch job wait in the recorder's write queue (`status().writes`:
 * not writable, the error kept, writes waiting — what /health shows as `recordings.writes`), and once PostgreSQL
 * answers the recording is fetched, transcoded (real ffmpeg) and stored `ready` with its pauses, each job once.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeWav } from '../../engine/audio/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { Recordings } from '../../engine/recordings/index.js';
import { pgRecorderStore, PgCallLogs } from '../../engine/store/pg/index.js';
import { useProxiedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const env = useProxiedTestDatabase('pg_recorder_outage');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pg-recorder-outage-'));
}, 60_000);
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a recorded call ending while PostgreSQL is away: held, reported, and ready with its pauses once it is back', async () => {
  const T = systemClock.now();
  await new PgCallLogs(env.direct).create({ id: 'c1', campaignId: null, leadId: null, phone: '+34910000001', nodeId: 'n1', at: T });
  const wav = encodeWav(new Int16Array(8000).map((_, i) => Math.round(4000 * Math.sin(i / 5))), { sampleRate: 8000 });
  const ops: string[] = [];
  const events = new DomainEvents();
  const rec = new Recordings({
    events,
    ari: { connected: true, execute: async (c) => void ops.push(c.op), storedRecordingFile: async () => Buffer.from(wav) },
    store: pgRecorderStore(env.viaProxy),
    clock: systemClock,
    logger: silentLogger,
    nodeId: 'n1',
    dir: join(dir, 'rec'),
    records: (campaignId) => campaignId === 'k1',
    writeRetryMs: 100,
    finishWaitMs: 50,
    backoffBaseMs: 100,
  });
  rec.start();
  try {
    events.emit({ type: 'call.created', callId: 'c1', at: T, campaignId: 'k1', leadId: null, phone: '+34910000001', channelId: 'ch', agentId: null, nodeId: 'n1' });
    events.emit({ type: 'call.bridged', callId: 'c1', at: T + 1000, agentId: 'a1', bridgeId: 'br-1' });
    await until(async () => ((await env.direct.query(`select state from recordings where call_id = 'c1'`)).rows[0]?.state === 'recording' ? true : undefined), 10_000, 20);

    await env.proxy.setMode('reset');
    await env.proxy.setMode('refuse');
    // The agent's pause and resume answer while PostgreSQL is away; their rows wait.
    expect((await rec.pause('c1', 'u1')).pauses).toMatchObject([{ by: 'u1', resumedAt: null }]);
    const paused = await rec.pause('c1', 'u1').catch((e: { status: number }) => e.status);
    expect(paused).toBe(409);
    await rec.resume('c1');
    await rec.pause('c1', 'u1'); // still open when the call ends: closed at its end
    const endedAt = systemClock.now();
    events.emit({ type: 'call.ended', callId: 'c1', at: endedAt, disposition: 'ANSWERED_HUMAN', hangupCause: 16, dialStatus: 'ANSWER', agentId: 'a1', safeHarborPlayed: false, voicemailLeft: false });
    await until(() => (rec.status().writes.writable ? undefined : true), 10_000, 20);
    await new Promise((r) => setTimeout(r, 300)); // retries fail meanwhile; nothing crashes, nothing is dropped
    const held = rec.status().writes;
    expect(held).toMatchObject({ writable: false, droppedWrites: 0 });
    expect(held.pendingWrites).toBeGreaterThanOrEqual(4); // pauses ×3, the end, the fetch job
    expect(held.lastError).toMatch(/ECONNRE|Connection terminated|PG_CONNECTION_LOST/);
    expect((await env.direct.query(`select state, pauses from recordings where call_id = 'c1'`)).rows).toEqual([{ state: 'recording', pauses: [] }]);
    expect((await env.direct.query(`select count(*)::int as n from recording_jobs`)).rows).toEqual([{ n: 0 }]);

    await env.proxy.setMode('forward');
    const row = await until(async () => {
      const r = (await env.direct.query(`select * from recordings where call_id = 'c1'`)).rows[0] as Record<string, any>;
      return r?.state === 'ready' ? r : undefined;
    }, 30_000, 50);
    await rec.queue.idle(); // the transcode job's settlement follows the row's last update
    expect(rec.status().writes).toMatchObject({ writable: true, pendingWrites: 0 });
    expect(row).toMatchObject({ ended_at: endedAt, wav_bytes: wav.length, encoded_format: 'ogg', error: null, duration_ms: 1000 });
    expect(existsSync(row['wav_path'])).toBe(true);
    expect(existsSync(row['encoded_path'])).toBe(true);
    expect(row['pauses']).toEqual([
      expect.objectContaining({ by: 'u1', resumedAt: expect.any(Number) }),
      expect.objectContaining({ by: 'u1', resumedAt: endedAt }),
    ]);
    expect((await env.direct.query(`select kind, state from recording_jobs order by created_at, id`)).rows).toEqual([
      { kind: 'fetch', state: 'done' },
      { kind: 'transcode', state: 'done' },
    ]);
    expect((await env.direct.query(`select recording_ref from call_logs where id = 'c1'`)).rows).toEqual([{ recording_ref: 'c1' }]);
    expect(ops).toEqual(['record', 'pauseRecording', 'unpauseRecording', 'pauseRecording', 'stopRecording', 'deleteStoredRecording']);
  } finally {
    await rec.close();
  }
}, 60_000);
