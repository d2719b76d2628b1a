/**
 * The recordings routes with `nodeRecordings` (#18, scale-out): a recording whose row names another node is played,
 * deleted, paused and resumed through that node (a stand-in client here; the real one against a real node is
 * test/integration/node-recordings-pg.test.ts), one of this process's own node from its disk as before, and the
 * client's failures become the API's answers (503 naming the node, 502, 409) — never a 500.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NodeRecordingError, type NodeRecordingClient } from '../../../engine/recordings/index.js';
import type { RecordingRow } from '../../../engine/store/index.js';
import { harness, type Harness } from './harness.js';

let h: Harness;
let token: string;
const asked: Array<[string, string, string, string | null | undefined]> = [];
let failWith: NodeRecordingError | null = null;

const client: NodeRecordingClient = {
  async audio(nodeId, callId, part, range) {
    asked.push([nodeId, callId, `audio:${part}`, range]);
    if (failWith) throw failWith;
    return { status: 206, headers: { 'content-type': 'audio/ogg', 'content-range': 'bytes 0-3/50', 'content-length': '4', 'accept-ranges': 'bytes' }, body: new Response('OggS').body };
  },
  async control(nodeId, callId, action, by) {
    asked.push([nodeId, callId, action, by]);
    if (failWith) throw failWith;
    if (action === 'delete') {
      h.store.recordings.update(callId, { state: 'deleted', deletedAt: h.clock.now(), deletedBy: by, encodedPath: null }, h.clock.now());
      return { callId, state: 'deleted' };
    }
    const row = h.store.recordings.get(callId)!;
    return { ...row, pauses: [{ at: h.clock.now(), offsetMs: 1000, resumedAt: null, by }] } satisfies RecordingRow;
  },
};

function seed(id: string, nodeId: string, state: 'ready' | 'recording'): void {
  const at = h.clock.now() - 60_000;
  h.store.callLogs.create({ id, campaignId: null, leadId: null, phone: '+15550110001', nodeId, at });
  h.store.recordings.start({ callId: id, name: id, campaignId: null, agentId: null, bridgeId: 'b', at, nodeId });
  if (state === 'ready') {
    const dir = join(h.dir, 'rec');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${id}.ogg`);
    writeFileSync(file, `OggS-local-${id}`);
    h.store.recordings.update(id, { state: 'ready', encodedPath: file, encodedFormat: 'ogg', encodedBytes: 20 }, at + 1000);
  }
}

beforeAll(async () => {
  h = harness({ nodeRecordings: { localNodeId: 'n1', client } });
  token = await h.login('admin');
  seed('mine', 'n1', 'ready');
  seed('far', 'n2', 'ready');
  seed('far-live', 'n2', 'recording');
});
afterAll(() => h?.close());

const req = (method: string, path: string, headers: Record<string, string> = {}) => h.app.request(path, { method, headers: { authorization: `Bearer ${token}`, ...headers } });
const audioUrls = async (id: string) => (await (await req('POST', `/api/recordings/${id}/urls`)).json()) as { audio: string; download: string };

it('lists each recording with the node that holds it; its own node’s audio comes from this disk, the client not asked', async () => {
  const list = (await (await req('GET', '/api/recordings')).json()) as { items: Array<{ callId: string; nodeId: string }> };
  expect(Object.fromEntries(list.items.map((i) => [i.callId, i.nodeId]))).toEqual({ mine: 'n1', far: 'n2', 'far-live': 'n2' });
  asked.length = 0;
  const res = await h.app.request((await audioUrls('mine')).audio);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('OggS-local-mine');
  expect(asked).toEqual([]);
});

it('another node’s audio is that node’s answer, the Range passed on; a download is named here', async () => {
  asked.length = 0;
  const u = await audioUrls('far');
  const res = await h.app.request(u.download, { headers: { range: 'bytes=0-3' } });
  expect(res.status).toBe(206);
  expect(res.headers.get('content-range')).toBe('bytes 0-3/50');
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="recording-.*-far\.ogg"$/);
  expect(await res.text()).toBe('OggS');
  expect(asked).toEqual([['n2', 'far', 'audio:call', 'bytes=0-3']]);
});

it('the client’s failures are the API’s answers, naming the node', async () => {
  const u = await audioUrls('far');
  failWith = new NodeRecordingError(503, 'node_unreachable', 'The recording is held by node n2, which is down: its audio is back when that node is up');
  try {
    const res = await h.app.request(u.audio);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'node_unreachable', message: expect.stringContaining('node n2, which is down') } });
    expect((await req('DELETE', '/api/recordings/far')).status).toBe(503);
    expect((await req('POST', '/api/calls/far-live/recording/pause')).status).toBe(503);
    failWith = new NodeRecordingError(502, 'node_refused', "Node n2 refused this API's request: Token refused: wrong signature");
    expect((await h.app.request(u.audio)).status).toBe(502);
    failWith = new NodeRecordingError(409, 'conflict', 'Node n2: The recording is already paused');
    const again = await req('POST', '/api/calls/far-live/recording/pause');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'conflict', message: 'Node n2: The recording is already paused' } });
  } finally {
    failWith = null;
  }
});

it('pause, resume and delete of another node’s recording are carried to it with the user; this API has no recorder of its own', async () => {
  asked.length = 0;
  const paused = await req('POST', '/api/calls/far-live/recording/pause');
  expect(paused.status).toBe(200);
  expect(await paused.json()).toMatchObject({ callId: 'far-live', nodeId: 'n2', pauses: [{ offsetMs: 1000, resumedAt: null }] });
  expect((await req('POST', '/api/calls/far-live/recording/resume')).status).toBe(200);
  const del = await req('DELETE', '/api/recordings/far');
  expect(del.status).toBe(200);
  expect(await del.json()).toMatchObject({ callId: 'far', state: 'deleted', nodeId: 'n2', hasAudio: false });
  const admin = (await h.store.db.$client.prepare(`select id from users where username = 'admin'`).get()) as { id: string };
  expect(asked).toEqual([
    ['n2', 'far-live', 'pause', admin.id],
    ['n2', 'far-live', 'resume', admin.id],
    ['n2', 'far', 'delete', admin.id],
  ]);
  // This process's own node's recording with no recorder here: 503 as before (nothing carried anywhere).
  expect((await req('DELETE', '/api/recordings/mine')).status).toBe(503);
  expect(asked).toHaveLength(3);
});
