/**
 * A full disk under the SQLite file (#10 item 6): a real tmpfs filled to the last byte, so every write that needs
 * space fails with SQLITE_FULL as on a production disk, then the space freed.
 *
 * - The engine's write queue over the real store: writes refused are kept in order, retried, flushed when space is
 *   back; one log line per change of state.
 * - The engine on the embedded PBX with the store's hopper: a call ending while the disk is full (the lead's
 *   completion, a CallLog write) does not throw out of the ARI event handler; no new call is placed, live calls go
 *   on; with space back the queued writes land, dialling resumes within 10 s, and nothing is left open.
 * - The API answers 503 storage_unavailable (not 500) to a write it cannot make; the start command's guard keeps a
 *   stray SQLITE_FULL from killing the process and still exits on anything else.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { guardStorageFailures } from '../../app/storage-guard.js';
import type { AgentConfig } from '../../engine/agents/index.js';
import { connectAri } from '../../engine/ari/index.js';
import { defaultCallPolicy } from '../../engine/calls/index.js';
import { VirtualClock } from '../../engine/clock/index.js';
import type { DomainEvent } from '../../engine/events/index.js';
import { createLogger } from '../../engine/log/index.js';
import { Engine, StoreWriteQueue, attachAgentEventWriter, storeLeadSource } from '../../engine/shell/index.js';
import { openStore, type Store } from '../../engine/store/index.js';
import { api, expectError } from '../support/leads-api.js';
import { pbxRigs } from '../support/pbx-rig.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { mountSmallDisk, type SmallDisk } from '../support/small-disk.js';
import { drive, whileRunning } from '../support/virtual-drive.js';

const disks: SmallDisk[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of disks.splice(0)) d.close();
});

function diskStore(name: string): { disk: SmallDisk; store: Store } {
  const disk = mountSmallDisk(name, 8 << 20);
  disks.push(disk);
  const store = openStore(join(disk.dir, 'c.db'));
  stores.push(store);
  return { disk, store };
}

function captureLogger(level: 'info' | 'warn' = 'info') {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const logger = createLogger(level, {
    pretty: false,
    destination: new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c)) as (typeof lines)[number]), cb()) }),
  });
  return { logger, lines };
}

const newPbx = pbxRigs();

describe('a full disk under the store', () => {
  it('the write queue keeps refused writes in order, retries them and flushes them when space is back; one log line per change', async () => {
    const { disk, store } = diskStore('wq');
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9));
    const { logger, lines } = captureLogger();
    const q = new StoreWriteQueue({ clock, logger, probe: () => store.probeWrite(), retryMs: 1000 });
    const changes: boolean[] = [];
    q.onChange((w) => changes.push(w));
    const log = (id: string, at: number) => ({ id, campaignId: null, leadId: null, phone: '+15550110001', nodeId: 'n1', at });

    q.run('create', () => store.callLogs.create(log('c1', 1)));
    expect(store.callLogs.get('c1')).toBeDefined();

    disk.fill();
    // The last allocated page of a file may still take a few bytes: write until the disk refuses.
    for (let i = 0; q.writable && i < 1000; i++) q.run('create', () => store.callLogs.create(log(`f${i}`, 1)));
    expect(q.pendingWrites).toBe(1);
    q.run('create', () => store.callLogs.create(log('c2', 2)));
    q.run('markRinging', () => store.callLogs.markRinging('c2', 3));
    q.run('end', () => store.callLogs.end('c2', { disposition: 'NO_ANSWER', hangupCause: 19, at: 30 }));
    q.run('end', () => store.callLogs.end('c1', { disposition: 'BUSY', hangupCause: 17, at: 31 }));
    expect(q.status()).toMatchObject({ writable: false, pendingWrites: 5, lastError: 'SQLITE_FULL: database or disk is full', failingSince: clock.now() });
    expect(store.callLogs.get('c2')).toBeUndefined();
    // Retries while the disk stays full: still failing, nothing lost, no new log line.
    clock.advance(5000);
    expect(q.status()).toMatchObject({ writable: false, pendingWrites: 5 });

    disk.free();
    clock.advance(1000);
    expect(q.status()).toMatchObject({ writable: true, pendingWrites: 0, failingSince: null, droppedWrites: 0 });
    // Applied in order: c2 was created before it rang and ended.
    expect(store.callLogs.get('c2')).toMatchObject({ ringingAt: 3, endedAt: 30, disposition: 'NO_ANSWER' });
    expect(store.callLogs.get('c1')).toMatchObject({ endedAt: 31, disposition: 'BUSY' });
    expect(changes).toEqual([false, true]);
    expect(lines.filter((l) => /database writes fail/.test(l.msg))).toHaveLength(1);
    expect(lines.filter((l) => /database writes succeed again/.test(l.msg))).toHaveLength(1);

    // A failure outside the queue (the hopper's lease): degraded until a probe write succeeds.
    disk.fill();
    let leaseErr: unknown;
    for (let i = 0; leaseErr === undefined && i < 1000; i++) {
      try {
        store.probeWrite();
      } catch (err) {
        leaseErr = err;
      }
    }
    expect(q.noteFailure(leaseErr)).toBe(true);
    expect(q.noteFailure(new Error('a bug'))).toBe(false);
    clock.advance(3000);
    expect(q.writable).toBe(false);
    disk.free();
    clock.advance(1000);
    expect(q.writable).toBe(true);
    expect(changes).toEqual([false, true, false, true]);
  });

  it('a write with RETURNING on a full disk throws SQLITE_FULL instead of answering with a row it never saved', () => {
    const { disk, store } = diskStore('returning');
    disk.fill();
    let threw: unknown = null;
    let silentlyLost = 0;
    // The last allocated page of the WAL may take a few more frames: write until the disk refuses.
    for (let i = 0; threw === null && i < 1000; i++) {
      try {
        store.callLogs.create({ id: `r${i}`, campaignId: null, leadId: null, phone: '+15550110001', nodeId: 'n1', at: i });
        if (store.callLogs.get(`r${i}`) === undefined) silentlyLost++;
      } catch (err) {
        threw = err;
      }
    }
    expect(silentlyLost).toBe(0);
    expect(String(threw)).toMatch(/database or disk is full/);
  });

  it('the engine on the embedded PBX: a call ending on a full disk does not throw, dialling stops, live calls go on; with space back the writes land and dialling resumes within 10 s', async () => {
    const base = await newPbx({ seed: 33, quickHumans: '1555011', name: 'disk-engine' });
    const { disk, store } = diskStore('engine');
    const at = base.clock.now();
    store.campaigns.create('camp-1', { name: 'Disk', dialMode: 'progressive', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7] }, at);
    store.leads.insertMany(
      Array.from({ length: 40 }, (_, i) => ({ campaignId: 'camp-1', phoneE164: `+1555011${3000 + i}`, phoneRaw: `+1555011${3000 + i}`, timeZone: 'UTC', priority: 3, custom: {}, synthetic: false })),
      at,
    );
    store.campaigns.command('camp-1', 'start', at);
    const gateway = await connectAri({ url: base.sim.url, username: base.sim.username, password: base.sim.password, app: 'centralita', clock: base.clock, initialDelayMs: 100, maxDelayMs: 2000 });
    const { logger, lines } = captureLogger('warn');
    const agents: AgentConfig[] = [1001, 1002].map((n) => ({ id: `${n}`, kind: 'human', endpoint: `PJSIP/${n}`, maxConcurrent: 1, wrapUpMs: 500 }));
    const engine = new Engine({
      gateway,
      nodeId: 'n1',
      clock: base.clock,
      logger,
      amd: scriptedAmdSource({ clock: base.clock, host: '127.0.0.1', port: (base.sink.address() as AddressInfo).port }),
      leads: storeLeadSource(store.leads, { campaignId: 'camp-1', owner: 'n1', now: () => base.clock.now() }),
      campaign: { id: 'camp-1', policy: { ...defaultCallPolicy, ringTimeoutSec: 20, agentWaitMs: 2000 }, endpointFor: (p) => `PJSIP/${p}@trunk` },
      concurrency: 2,
      agents,
      callLogs: store.callLogs,
      storeProbe: () => store.probeWrite(),
      bootId: 'b1',
      tickMs: 200,
    });
    attachAgentEventWriter(engine.events, store.agentEvents, engine.storeWrites);
    const events: DomainEvent[] = [];
    engine.events.on('*', (e) => events.push(e));
    await whileRunning(base.clock, engine.start());
    const bridged = () => engine.snapshot().calls.find((c) => c.phase === 'bridged');
    await drive(base.clock, () => bridged() !== undefined, 120_000);
    const live = bridged()!;

    disk.fill();
    const fullAt = base.clock.now();
    // Calls end on the full disk: their CallLog and lead writes are refused (before the fix: an uncaught SQLITE_FULL
    // out of the ARI event handler).
    await drive(base.clock, () => events.some((e) => e.type === 'call.ended' && e.callId === live.id), 120_000);
    await drive(base.clock, () => false, 5000);
    const degraded = engine.snapshot();
    expect(degraded.store).toMatchObject({ writable: false, lastError: 'SQLITE_FULL: database or disk is full' });
    expect(degraded.store.pendingWrites).toBeGreaterThan(0);
    expect(degraded.dialing).toBe(false);
    expect(() => engine.testCall('camp-1', '+15550140001')).toThrow(/database cannot be written/);
    // The live call was not cut: it ended as the callee's call did (a human, talked to an agent).
    expect(events.find((e) => e.type === 'call.ended' && e.callId === live.id)).toMatchObject({ disposition: 'ANSWERED_HUMAN' });
    expect(store.callLogs.get(live.id)?.endedAt ?? null).toBeNull();
    // No new call once the first write was refused.
    const failingSince = degraded.store.failingSince!;
    expect(failingSince).toBeGreaterThanOrEqual(fullAt);
    expect(events.filter((e) => e.type === 'call.created' && e.at > failingSince)).toEqual([]);

    disk.free();
    const freedAt = base.clock.now();
    await drive(base.clock, () => events.some((e) => e.type === 'call.created' && e.at > freedAt), 30_000);
    const resumedMs = events.find((e) => e.type === 'call.created' && e.at > freedAt)!.at - freedAt;
    expect(resumedMs).toBeLessThan(10_000);
    expect(engine.snapshot().store).toMatchObject({ writable: true, pendingWrites: 0 });
    // What was refused is in the database now.
    expect(store.callLogs.get(live.id)).toMatchObject({ disposition: 'ANSWERED_HUMAN' });
    expect(store.callLogs.get(live.id)!.endedAt).not.toBeNull();

    await whileRunning(base.clock, engine.stop({ hangup: true }));
    expect(store.callLogs.listOpenCallLogs()).toEqual([]);
    const created = events.filter((e): e is Extract<DomainEvent, { type: 'call.created' }> => e.type === 'call.created');
    for (const c of created) expect(store.callLogs.get(c.callId)?.endedAt ?? null, c.callId).not.toBeNull();
    expect((store.sqlite.prepare("select count(*) n from leads where status = 'calling'").get() as { n: number }).n).toBe(0);
    // Every ended call with a lead counted on its lead (a call cancelled by the stop is not an attempt).
    const withLead = new Set(created.filter((c) => c.leadId !== null).map((c) => c.callId));
    const counted = events.filter((e) => e.type === 'call.ended' && withLead.has(e.callId) && e.disposition !== 'CANCELLED').length;
    const attempts = (store.sqlite.prepare('select sum(attempts) n from leads').get() as { n: number }).n;
    expect(counted).toBeGreaterThan(0);
    expect(attempts).toBe(counted);
    expect(lines.filter((l) => /database writes fail/.test(l.msg))).toHaveLength(1);
    console.log(`[store-disk-full] engine: ${degraded.store.pendingWrites} writes queued while full; dialling resumed ${resumedMs} ms after space was back`);
  }, 120_000);

  it('the API answers 503 storage_unavailable, not 500, to a write the full disk refuses, and works again when space is back', async () => {
    const disk = mountSmallDisk('api', 8 << 20);
    disks.push(disk);
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = disk.dir; // the API harness keeps its SQLite file in the temp folder
    const t = await api().finally(() => {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    });
    try {
      disk.fill();
      const res = await t.send('POST', '/api/campaigns', { name: 'Ventas' }, t.as.supervisor);
      const body = await expectError(res, 503, 'storage_unavailable');
      expect(body.error.message).toMatch(/database cannot be written now \(SQLITE_FULL/);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await t.get('/api/campaigns', t.as.supervisor)).status).toBe(200); // reads still answer
      disk.free();
      expect((await t.send('POST', '/api/campaigns', { name: 'Ventas' }, t.as.supervisor)).status).toBe(201);
    } finally {
      t.close();
    }
  });

  it("the start command's guard: a stray SQLITE_FULL is logged once and the process goes on; any other error still exits", () => {
    const { disk, store } = diskStore('guard');
    disk.fill();
    let full: unknown;
    for (let i = 0; full === undefined && i < 1000; i++) {
      try {
        store.probeWrite();
      } catch (err) {
        full = err;
      }
    }
    const proc = new EventEmitter();
    const exits: number[] = [];
    const { logger, lines } = captureLogger();
    guardStorageFailures(proc as unknown as Parameters<typeof guardStorageFailures>[0], logger, (c) => exits.push(c));
    proc.emit('uncaughtException', full);
    proc.emit('unhandledRejection', full);
    expect(exits).toEqual([]);
    expect(lines.filter((l) => /database write failed outside its handler \(SQLITE_FULL/.test(l.msg))).toHaveLength(1);
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      proc.emit('uncaughtException', new TypeError('a bug'));
    } finally {
      process.stderr.write = stderr;
    }
    expect(exits).toEqual([1]);
  });
});
