/**
 * The recordings API over a real SQLite file and real files: who sees which recording (agents their own, team
 * leads their team's), the list's filters, signed audio URLs (Range → 206 with exactly the bytes asked, a
 * download named sensibly, a wrong signature or an expired URL → 403), deletion (files gone, CallLog kept,
 * audited with who), and the agent's pause without a recorder (503). On both dialects (#18): on PostgreSQL the
 * recorder's rows and the CallLogs are PostgreSQL's (the recorder over `pgRecorderStore`, as the PostgreSQL product
 * builds it), the files on this machine's disk.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeAmdTrace } from '../../engine/amd/index.js';
import { encodeWav } from '../../engine/audio/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { Recordings } from '../../engine/recordings/index.js';
import { sqliteRecorderStore } from '../../engine/store/index.js';
import { pgRecorderStore } from '../../engine/store/pg/index.js';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

let h: Harness;
let recordings: Recordings;
const ids = {} as Record<'agentA' | 'agentB' | 'agentC' | 'lead' | 'sup', string>;
const tok = {} as Record<keyof typeof ids, string>;
let wavBytes: Buffer;

async function seedCall(id: string, userId: string, agentId: string, at: number, o: { disposition?: 'ANSWERED_HUMAN' | 'MACHINE'; amd?: 'HUMAN' | 'MACHINE'; campaignId?: string; phone?: string } = {}): Promise<void> {
  const logs = h.db.callLogs;
  const rec = h.db.recorderStore.recordings;
  await logs.create({ id, campaignId: o.campaignId ?? 'camp-1', leadId: null, phone: o.phone ?? '+15550110001', nodeId: 'n1', at, agentId, userId });
  await logs.markAnswered(id, at + 1000);
  await logs.markAmd(id, { status: o.amd ?? 'HUMAN', cause: 'HUMAN-300-800', decisionMs: 1500, at: at + 2500 });
  await logs.markBridged(id, { agentId, at: at + 3000 });
  await logs.end(id, { disposition: o.disposition ?? 'ANSWERED_HUMAN', hangupCause: 16, at: at + 13_000 });
  await rec.start({ callId: id, name: id, campaignId: o.campaignId ?? 'camp-1', agentId, bridgeId: 'b', at: at + 3000, nodeId: 'n1' });
  const dir = join(h.dir, 'rec');
  mkdirSync(dir, { recursive: true });
  const wavPath = join(dir, `${id}.wav`);
  writeFileSync(wavPath, wavBytes);
  const amdPath = join(dir, `${id}.amd.wav`);
  writeFileSync(amdPath, wavBytes.subarray(0, 4044));
  await rec.update(
    id,
    {
      state: 'ready',
      wavPath,
      wavBytes: wavBytes.length,
      durationMs: 10_000,
      endedAt: at + 13_000,
      peaks: [0.1, 0.5, 0.2],
      peaksPerSecond: 20,
      amdWavPath: amdPath,
      amdTrace: { status: 'HUMAN', cause: 'HUMAN-300-800', decisionMs: 1500, frameEnergy: [1, 200, 300, 2], words: [{ startMs: 300, endMs: 1000 }], notes: ['greeting 700'], decisionFrame: 75 },
    },
    at + 14_000,
  );
}

describeApiDialects('recordings routes', (make) => {
  beforeAll(async () => {
    // A recorder without the ARI side (never started): deletion only needs the store and the files.
    h = await make({}, (store, clock, dir, pool) => {
      recordings = new Recordings({
        events: new DomainEvents(),
        ari: { connected: false, execute: () => Promise.reject(new Error('no ARI in this test')), storedRecordingFile: () => Promise.reject(new Error('no ARI in this test')) },
        store: pool ? pgRecorderStore(pool) : sqliteRecorderStore(store),
        clock,
        logger: silentLogger,
        nodeId: 'n1',
        dir: join(dir, 'rec'),
      });
      return { recordings };
    });
    ids.agentA = h.addUser('agentA', 'agent', 'T1');
    ids.agentB = h.addUser('agentB', 'agent', 'T1');
    ids.agentC = h.addUser('agentC', 'agent', 'T2');
    ids.lead = h.addUser('lead1', 'teamlead', 'T1');
    ids.sup = h.addUser('sup1', 'supervisor');
    for (const [k, name] of [['agentA', 'agentA'], ['agentB', 'agentB'], ['agentC', 'agentC'], ['lead', 'lead1'], ['sup', 'sup1']] as const) tok[k] = await h.login(name);
    const samples = new Int16Array(8000 * 10);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(3000 * Math.sin(i / 3));
    wavBytes = Buffer.from(encodeWav(samples, { sampleRate: 8000 }));
    const t = Date.UTC(2026, 0, 5, 10);
    await seedCall('call-a1', ids.agentA, 'ag-a', t);
    await seedCall('call-a2', ids.agentA, 'ag-a', t + 86_400_000, { disposition: 'MACHINE', amd: 'MACHINE', campaignId: 'camp-2' });
    await seedCall('call-b1', ids.agentB, 'ag-b', t + 3600_000, { phone: '+50684479219' });
    await seedCall('call-c1', ids.agentC, 'ag-c', t + 7200_000);
    // call-b1's trace is kept with its CallLog (call_amd_traces): that one is shown.
    await h.db.seed.row('callAmdTraces', { callId: 'call-b1', trace: encodeAmdTrace({ frameEnergy: [5, 900, 40], words: [{ startMs: 20, endMs: 40 }], notes: ['from the CallLog'], decisionFrame: 2, toneFrames: [1] }), createdAt: t });
  });
  afterAll(() => h?.close());

  const get = (path: string, token: string, headers: Record<string, string> = {}) => h.app.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const listIds = async (qs: string, token: string) => {
    const res = await get(`/api/recordings${qs}`, token);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Array<{ callId: string }> }).items.map((i) => i.callId);
  };
  const urlsOf = async (callId: string, token: string) => {
    const res = await h.app.request(`/api/recordings/${callId}/urls`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { audio: string; download: string; amdAudio: string; expiresAt: number };
  };

  describe('recordings API', () => {
    it('agents see their own recordings, team leads their team’s, supervisors all; hidden ones are 404', async () => {
      expect(await listIds('', tok.agentA)).toEqual(['call-a2', 'call-a1']);
      expect(await listIds('', tok.lead)).toEqual(['call-a2', 'call-b1', 'call-a1']);
      expect((await listIds('', tok.sup)).sort()).toEqual(['call-a1', 'call-a2', 'call-b1', 'call-c1']);
      expect((await get('/api/recordings/call-b1', tok.agentA)).status).toBe(404);
      expect((await get('/api/recordings/call-c1', tok.lead)).status).toBe(404);
      const d = await get('/api/recordings/call-a1', tok.agentA);
      expect(d.status).toBe(200);
      const body = (await d.json()) as { peaks: number[]; amd: { decisionFrame: number; words: unknown[] }; call: { disposition: string } };
      expect(body.peaks).toEqual([0.1, 0.5, 0.2]);
      expect(body.amd).toMatchObject({ decisionFrame: 75, words: [{ startMs: 300, endMs: 1000 }] });
      expect(body.call.disposition).toBe('ANSWERED_HUMAN');
      expect((body.call as { campaignName?: unknown }).campaignName).toBeNull(); // camp-1 is not a stored campaign
      const b1 = (await (await get('/api/recordings/call-b1', tok.lead)).json()) as { amd: Record<string, unknown> };
      expect(b1.amd).toEqual({ status: 'HUMAN', cause: 'HUMAN-300-800', decisionMs: 1500, frameEnergy: [5, 900, 40], words: [{ startMs: 20, endMs: 40 }], notes: ['from the CallLog'], decisionFrame: 2, toneFrames: [1] });
    });

    it('filters by date, agent, campaign, disposition, AMD result and phone digits; bad filters are 422 naming the field', async () => {
      // The digits as a person types them, in any format: the number contains them.
      expect(await listIds('?phone=8447%209219', tok.sup)).toEqual(['call-b1']);
      expect(await listIds('?phone=%2B506%208447-9219', tok.sup)).toEqual(['call-b1']);
      expect((await listIds('?phone=555011', tok.sup)).sort()).toEqual(['call-a1', 'call-a2', 'call-c1']);
      expect(await listIds('?phone=8447', tok.agentA)).toEqual([]); // not hers to see
      for (const bad of ['84', '84x47', '1234567890123456']) {
        const res = await get(`/api/recordings?phone=${bad}`, tok.sup);
        expect(res.status, bad).toBe(422);
        expect(JSON.stringify(await res.json())).toContain('phone');
      }
      expect(await listIds('?disposition=MACHINE', tok.sup)).toEqual(['call-a2']);
      expect(await listIds('?amd_status=MACHINE', tok.sup)).toEqual(['call-a2']);
      expect(await listIds('?campaign_id=camp-2', tok.sup)).toEqual(['call-a2']);
      expect(await listIds('?agent_id=ag-b', tok.sup)).toEqual(['call-b1']);
      expect((await listIds('?from=2026-01-05&to=2026-01-05', tok.sup)).sort()).toEqual(['call-a1', 'call-b1', 'call-c1']);
      const bad = await get('/api/recordings?amd_status=ROBOT', tok.sup);
      expect(bad.status).toBe(422);
      expect(JSON.stringify(await bad.json())).toContain('amd_status');
    });

    it('signed audio URLs: whole file, Range → 206 with exactly the bytes asked, suffix ranges, 416, a sensible download name', async () => {
      const u = await urlsOf('call-a1', tok.agentA);
      const whole = await h.app.request(u.audio);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await whole.arrayBuffer()).equals(wavBytes)).toBe(true);

      const part = await h.app.request(u.audio, { headers: { range: 'bytes=1000-1999' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${wavBytes.length}`);
      expect(part.headers.get('content-length')).toBe('1000');
      expect(Buffer.from(await part.arrayBuffer()).equals(wavBytes.subarray(1000, 2000))).toBe(true);

      const tail = await h.app.request(u.audio, { headers: { range: 'bytes=-500' } });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(wavBytes.subarray(wavBytes.length - 500))).toBe(true);
      const open = await h.app.request(u.audio, { headers: { range: `bytes=${wavBytes.length - 10}-` } });
      expect(Buffer.from(await open.arrayBuffer()).equals(wavBytes.subarray(wavBytes.length - 10))).toBe(true);
      const beyond = await h.app.request(u.audio, { headers: { range: `bytes=${wavBytes.length}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${wavBytes.length}`);

      const dl = await h.app.request(u.download);
      expect(dl.status).toBe(200);
      expect(dl.headers.get('content-disposition')).toBe('attachment; filename="recording-2026-01-05T10-00-03Z-agent-ag-a-call-a1.wav"');
      const amd = await h.app.request(u.amdAudio);
      expect(Buffer.from(await amd.arrayBuffer()).length).toBe(4044);
    });

    it('a wrong signature, another call or user in the URL, or an expired URL gets 403', async () => {
      const u = await urlsOf('call-a1', tok.agentA);
      const sig = new URL(u.audio, 'http://x').searchParams.get('sig')!;
      const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
      expect((await h.app.request(u.audio.replace(`sig=${sig}`, `sig=${flipped}`))).status).toBe(403);
      expect((await h.app.request(u.audio.replace('/call-a1/', '/call-b1/'))).status).toBe(403);
      expect((await h.app.request(u.audio.replace(`u=${ids.agentA}`, `u=${ids.sup}`))).status).toBe(403);
      expect((await h.app.request(u.audio.replace('part=call', 'part=amd'))).status).toBe(403);
      expect((await h.app.request(u.audio.replace('sig=', 'nosig='))).status).toBe(422);
      h.clock.advance(601_000);
      const expired = await h.app.request(u.audio);
      expect(expired.status).toBe(403);
      expect(JSON.stringify(await expired.json())).toContain('expired');
    });

    it('deleting: agents may not (403); a supervisor deletes the files, the CallLog stays, the audit log says who', async () => {
      const res = await h.app.request('/api/recordings/call-b1', { method: 'DELETE', headers: { authorization: `Bearer ${tok.agentB}` } });
      expect(res.status).toBe(403);
      const before = (await h.db.recorderStore.recordings.get('call-b1'))!;
      const del = await h.app.request('/api/recordings/call-b1', { method: 'DELETE', headers: { authorization: `Bearer ${tok.sup}` } });
      expect(del.status).toBe(200);
      expect(((await del.json()) as { state: string; deletedBy: string }).deletedBy).toBe(ids.sup);
      expect(existsSync(before.wavPath!)).toBe(false);
      expect(existsSync(before.amdWavPath!)).toBe(false);
      expect((await h.db.callLogs.get('call-b1'))?.disposition).toBe('ANSWERED_HUMAN');
      const audit = (await h.app.auth.audit.list(20)).find((a) => a.action === 'recording.delete' && a.targetId === 'call-b1');
      expect(audit).toMatchObject({ actorId: ids.sup, actorKind: 'user', targetType: 'call' });
      expect(await listIds('', tok.sup)).not.toContain('call-b1');
      expect((await h.app.request('/api/recordings/call-b1', { method: 'DELETE', headers: { authorization: `Bearer ${tok.sup}` } })).status).toBe(404);
      expect(readFileSync((await h.db.recorderStore.recordings.get('call-a1'))!.wavPath!).length).toBe(wavBytes.length);
    });

    it('pause/resume: 404 for a call not being recorded, and for someone else’s call', async () => {
      const mine = await h.app.request('/api/calls/call-a1/recording/pause', { method: 'POST', headers: { authorization: `Bearer ${tok.agentA}` } });
      expect(mine.status).toBe(404);
      const other = await h.app.request('/api/calls/call-c1/recording/pause', { method: 'POST', headers: { authorization: `Bearer ${tok.agentA}` } });
      expect(other.status).toBe(404);
    });

    it('QA: a supervisor defines a scorecard, two reviewers score a call (calibration side by side), the agent sees the average', async () => {
      const auth = (t: string) => ({ authorization: `Bearer ${t}` });
      await h.db.seed.agent({ id: 'ag-a', name: 'A', endpoint: 'PJSIP/1001', userId: ids.agentA, team: 'T1', createdAt: 0 });
      const criteria = [
        { id: 'greet', label: 'Greets by name', type: 'yesno', weight: 1 },
        { id: 'tone', label: 'Tone', type: 'scale5', weight: 2 },
        { id: 'script', label: 'Script points', type: 'points', weight: 1, max: 10 },
      ];
      expect((await h.json('POST', '/api/qa/scorecards', { name: 'Sales', criteria }, auth(tok.lead))).status).toBe(403);
      const bad = await h.json('POST', '/api/qa/scorecards', { name: 'x', criteria: [{ id: 'a', label: 'A', type: 'points', weight: 1 }] }, auth(tok.sup));
      expect(bad.status).toBe(422);
      expect(JSON.stringify(await bad.json())).toContain('criteria.0.max');
      const created = await h.json('POST', '/api/qa/scorecards', { name: 'Sales', criteria }, auth(tok.sup));
      expect(created.status).toBe(201);
      const card = (await created.json()) as { id: string };

      const wrong = await h.json('PUT', '/api/recordings/call-a1/scores', { scorecardId: card.id, answers: { greet: 3, nope: 1 } }, auth(tok.lead));
      expect(wrong.status).toBe(422);
      expect(JSON.stringify(await wrong.json())).toMatch(/answers\.greet.*answers\.nope|answers\.nope.*answers\.greet/);
      expect((await h.json('PUT', '/api/recordings/call-a1/scores', { scorecardId: card.id, answers: { greet: 1 } }, auth(tok.agentA))).status).toBe(403);
      expect((await h.json('PUT', '/api/recordings/call-c1/scores', { scorecardId: card.id, answers: { greet: 1 } }, auth(tok.lead))).status).toBe(404);

      // Lead: yes, tone 5, 10/10 → 100 %. Supervisor: no, tone 3 (0.5), 5/10 → (0 + 2·0.5 + 0.5)/4 = 37.5 %.
      const s1 = await h.json('PUT', '/api/recordings/call-a1/scores', { scorecardId: card.id, answers: { greet: 1, tone: 5, script: 10 }, notes: 'great' }, auth(tok.lead));
      expect(s1.status).toBe(200);
      expect(((await s1.json()) as { percent: number }).percent).toBe(100);
      const s2 = await h.json('PUT', '/api/recordings/call-a1/scores', { scorecardId: card.id, answers: { greet: 0, tone: 3, script: 5 }, criterionNotes: { greet: 'no name' } }, auth(tok.sup));
      expect(((await s2.json()) as { percent: number }).percent).toBe(37.5);

      const cal = (await (await get(`/api/qa/calibration?call_id=call-a1&scorecard_id=${card.id}`, tok.sup)).json()) as {
        calls: Array<{ callId: string; reviewers: number; spread: number }>;
        scores: Array<{ reviewerName: string; percent: number; notes: string | null; criterionNotes: Record<string, string> }>;
      };
      expect(cal.calls).toEqual([expect.objectContaining({ callId: 'call-a1', reviewers: 2, spread: 62.5 })]);
      expect(cal.scores.map((x) => [x.reviewerName, x.percent, x.notes])).toEqual([
        ['lead1', 100, 'great'],
        ['sup1', 37.5, null],
      ]);

      // The agent's averages: the mean of both scores, in the week of the call; not someone else's, not campaigns.
      const avg = await get('/api/qa/averages?by=agent&from=2026-01-01&to=2026-01-31', tok.agentA);
      expect(avg.status).toBe(200);
      expect(((await avg.json()) as { items: unknown[] }).items).toEqual([{ key: 'ag-a', period: Date.UTC(2026, 0, 5), average: 68.8, scores: 2 }]);
      expect((await get('/api/qa/averages?by=agent&key=ag-b&from=2026-01-01&to=2026-01-31', tok.agentA)).status).toBe(403);
      expect((await get('/api/qa/averages?by=campaign&from=2026-01-01&to=2026-01-31', tok.agentA)).status).toBe(403);
      const byCampaign = (await (await get('/api/qa/averages?by=campaign&period=day&from=2026-01-01&to=2026-01-31', tok.sup)).json()) as { items: unknown[] };
      expect(byCampaign.items).toEqual([{ key: 'camp-1', period: Date.UTC(2026, 0, 5), average: 68.8, scores: 2 }]);
      // The score filter of the recordings list.
      expect(await listIds('?min_score=60', tok.sup)).toEqual(['call-a1']);
      expect(await listIds('?max_score=50', tok.sup)).toEqual([]);
    });

    it('scorecards with sections and critical items: a critical "no" scores 0; critical on a non-yes/no item is 422 naming it', async () => {
      const auth = { authorization: `Bearer ${tok.sup}` };
      const criteria = [
        { id: 'disclose', label: 'Reads the legal disclosure', type: 'yesno', weight: 0, section: 'Compliance', critical: true },
        { id: 'greet', label: 'Greets by name', type: 'yesno', weight: 1, section: 'Opening' },
        { id: 'tone', label: 'Tone', type: 'scale5', weight: 1, section: 'Opening' },
      ];
      const bad = await h.json('POST', '/api/qa/scorecards', { name: 'Compliance', criteria: [{ ...criteria[2], critical: true }] }, auth);
      expect(bad.status).toBe(422);
      expect(JSON.stringify(await bad.json())).toContain('criteria.0.critical');
      const longSection = await h.json('POST', '/api/qa/scorecards', { name: 'Compliance', criteria: [{ ...criteria[1], section: 'x'.repeat(81) }] }, auth);
      expect(longSection.status).toBe(422);
      expect(JSON.stringify(await longSection.json())).toContain('criteria.0.section');
      const created = await h.json('POST', '/api/qa/scorecards', { name: 'Compliance', criteria }, auth);
      expect(created.status).toBe(201);
      const card = (await created.json()) as { id: string; criteria: unknown[] };
      expect(card.criteria).toEqual(criteria);
      const score = async (answers: Record<string, number>) =>
        ((await (await h.json('PUT', '/api/recordings/call-a1/scores', { scorecardId: card.id, answers }, auth)).json()) as { percent: number }).percent;
      expect(await score({ disclose: 1, greet: 1, tone: 5 })).toBe(100);
      expect(await score({ disclose: 0, greet: 1, tone: 5 })).toBe(0);
      // Unanswered is not "no": the critical item only fails when answered so.
      expect(await score({ greet: 1, tone: 3 })).toBe(75);
      // Editing: sections renamed, the critical flag dropped.
      const edited = await h.json('PATCH', `/api/qa/scorecards/${card.id}`, { criteria: criteria.map((c) => ({ ...c, section: 'All', critical: undefined })) }, auth);
      expect(edited.status).toBe(200);
      expect(((await edited.json()) as { criteria: Array<{ section?: string; critical?: boolean }> }).criteria.every((c) => c.section === 'All' && c.critical === undefined)).toBe(true);
    });

    it('a recording names its campaign (detail and list), not only its id', async () => {
      await h.db.seed.campaign('camp-2', { name: 'Renovaciones 2026', dialMode: 'predictive' }, Date.UTC(2026, 0, 1));
      const d = (await (await get('/api/recordings/call-a2', tok.agentA)).json()) as { call: { campaignId: string; campaignName: string | null } };
      expect(d.call).toMatchObject({ campaignId: 'camp-2', campaignName: 'Renovaciones 2026' });
      const list = (await (await get('/api/recordings', tok.sup)).json()) as { items: Array<{ callId: string; call: { campaignName: string | null } }> };
      expect(Object.fromEntries(list.items.map((i) => [i.callId, i.call.campaignName]))).toMatchObject({ 'call-a1': null, 'call-a2': 'Renovaciones 2026', 'call-c1': null });
    });
  });
}, { prefix: 'pg_suite_recordings' });

/**
 * The QA routes and the recordings' list and detail over calls and recordings as an engine node and its recorder write
 * them (create → ringing → answered → AMD → bridged → end, through the dialect's node port), on both dialects (#18):
 * supervisors define scorecards, team leads score their team's calls, agents read the scores of their own calls; bad
 * input is a 4xx naming the field. On PostgreSQL the SQLite file holds a call of Ana's only there (not found) and
 * gets no scorecard or score.
 */
describeApiDialects('QA and recordings over a node\'s calls', (make, dialect) => {
  /** Monday 5 January 2026, 09:00 UTC. */
  const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
  const WEEK = Date.UTC(2026, 0, 5);
  const CRITERIA = [
    { id: 'greet', label: 'Greets by name', type: 'yesno', weight: 1 },
    { id: 'tone', label: 'Tone', type: 'scale5', weight: 1 },
    { id: 'script', label: 'Script', type: 'points', weight: 2, max: 10 },
  ];
  let h: Harness;
  let users: { ana: string; bob: string; zoe: string; lead: string; sup: string };

  beforeEach(async () => {
    h = await make();
    users = { ana: h.addUser('ana', 'agent', 'A'), bob: h.addUser('bob', 'agent', 'A'), zoe: h.addUser('zoe', 'agent', 'Z'), lead: h.addUser('lead', 'teamlead', 'A'), sup: h.addUser('sup', 'supervisor') };
    await h.db.seed.campaign('k1', { name: 'Norte PG' }, T0);
    await h.db.campaignCatalog.command('k1', 'start', T0);
    for (const [id, userId] of [
      ['agent-ana', users.ana],
      ['agent-zoe', users.zoe],
    ] as const)
      await h.db.seed.agent({ id, name: id, endpoint: `PJSIP/${id}`, userId, nodeId: 'node-2', team: null, createdAt: 0 });

    // What a node writes for two answered calls bridged to Ana and to Zoe.
    const logs = h.db.callLogs;
    for (const [id, agentId, at] of [
      ['p1', 'agent-ana', T0],
      ['p2', 'agent-zoe', T0 + 3600_000],
    ] as const) {
      await logs.create({ id, campaignId: 'k1', leadId: null, phone: '+50688880000', nodeId: 'node-2', channelId: `ch-${id}`, at });
      await logs.markRinging(id, at + 1_000);
      await logs.markAnswered(id, at + 5_000);
      await logs.markAmd(id, { status: 'HUMAN', cause: 'X', decisionMs: 1_000, at: at + 6_000 });
      await logs.markBridged(id, { agentId, bridgeId: `br-${id}`, at: at + 6_500 });
      await logs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: at + 66_500 });
      // Its recording's row, as a recorder writes it beside the CallLog.
      await h.db.seed.row('recordings', { callId: id, name: id, campaignId: 'k1', agentId, bridgeId: `br-${id}`, state: 'ready', startedAt: at + 6_500, endedAt: at + 66_500, durationMs: 60_000, wavPath: `/nowhere/${id}.wav`, wavBytes: 960_000, peaks: [0.1, 0.9], peaksPerSecond: 10, pauses: [], nodeId: 'node-2', updatedAt: at + 70_000 });
    }
    // On PostgreSQL, a call in the API's SQLite file only: not a call of the history.
    if (dialect === 'pg') h.store.callLogs.create({ id: 'lite-1', campaignId: 'k1', leadId: null, phone: '+1', nodeId: 'node-test', userId: users.ana, at: T0 });
  });
  afterEach(() => h.close());

  const as = async (who: string) => h.bearer(await h.login(who));
  const card = async (): Promise<string> => {
    const res = await h.json('POST', '/api/qa/scorecards', { name: 'Ventas', criteria: CRITERIA }, await as('sup'));
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  describe('QA routes', () => {
    it('supervisors define scorecards in the database; team leads list them; others may not; bad criteria name the field', async () => {
      expect((await h.json('POST', '/api/qa/scorecards', { name: 'X', criteria: CRITERIA }, await as('lead'))).status).toBe(403);
      expect((await h.app.request('/api/qa/scorecards', { headers: await as('ana') })).status).toBe(403);
      const bad = await h.json('POST', '/api/qa/scorecards', { name: 'X', criteria: [{ id: 'a', label: 'A', type: 'points', weight: 1 }] }, await as('sup'));
      expect(bad.status).toBe(422);
      expect(JSON.stringify(await bad.json())).toContain('criteria.0.max');

      const id = await card();
      expect(await h.db.qaStore.scorecards(true)).toEqual([expect.objectContaining({ id, name: 'Ventas', criteria: CRITERIA, createdBy: users.sup, archived: false })]);
      // On PostgreSQL nothing went to the SQLite file.
      if (dialect === 'pg') expect(h.store.qa.scorecards(true)).toEqual([]);
      const listed = await h.app.request('/api/qa/scorecards', { headers: await as('lead') });
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { items: Array<{ id: string; name: string }> }).items).toEqual([expect.objectContaining({ id, name: 'Ventas' })]);

      const renamed = await h.json('PATCH', `/api/qa/scorecards/${id}`, { name: 'Ventas 2', archived: true }, await as('sup'));
      expect(renamed.status).toBe(200);
      expect(await renamed.json()).toMatchObject({ name: 'Ventas 2', archived: true });
      expect((await h.json('PATCH', '/api/qa/scorecards/nope', { name: 'x' }, await as('sup'))).status).toBe(404);
    });

    it("scores a call as a node wrote it, with its agent and campaign; its team's lead may, others 404/403", async () => {
      const id = await card();
      const lead = await as('lead');
      // Answers that do not fit the scorecard: 422 naming each field.
      const wrong = await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 3, nope: 1 } }, lead);
      expect(wrong.status).toBe(422);
      const fields = ((await wrong.json()) as { error: { details: Array<{ field: string }> } }).error.details.map((d) => d.field);
      expect(fields).toEqual(['answers.greet', 'answers.nope']);
      expect((await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: 'nope', answers: {} }, lead)).status).toBe(404);
      // Zoe's call is not the A team's; an unknown call (on PostgreSQL: one only the SQLite file has) is none; agents do not score.
      expect((await h.json('PUT', '/api/recordings/p2/scores', { scorecardId: id, answers: { greet: 1 } }, lead)).status).toBe(404);
      expect((await h.json('PUT', '/api/recordings/lite-1/scores', { scorecardId: id, answers: { greet: 1 } }, await as('sup'))).status).toBe(404);
      expect((await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 1 } }, await as('ana'))).status).toBe(403);

      const s1 = await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 1, tone: 5, script: 5 }, notes: 'bien' }, lead);
      expect(s1.status).toBe(200);
      // (1 + 1 + 2 × 0.5) / 4 = 75 %, with the CallLog's agent and campaign.
      expect(await s1.json()).toMatchObject({ callId: 'p1', scorecardId: id, reviewerId: users.lead, reviewerName: 'lead', percent: 75, agentId: 'agent-ana', campaignId: 'k1', notes: 'bien' });
      const stored = await h.db.qaStore.scoresOf('p1');
      expect(stored).toEqual([expect.objectContaining({ callId: 'p1', reviewerId: users.lead, percent: 75, agentId: 'agent-ana', campaignId: 'k1', callAt: T0 })]);
      if (dialect === 'pg') expect(h.store.qa.scoresOf('p1')).toEqual([]);

      const s2 = await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 0, tone: 1, script: 0 } }, await as('sup'));
      expect(s2.status).toBe(200);

      // Ana reads the scores of her call; Bob (same team, not his call) does not see it.
      const mine = await h.app.request('/api/recordings/p1/scores', { headers: await as('ana') });
      expect(mine.status).toBe(200);
      expect(((await mine.json()) as { items: Array<{ reviewerName: string; percent: number }> }).items.map((s) => [s.reviewerName, s.percent])).toEqual([
        ['lead', 75],
        ['sup', 0],
      ]);
      expect((await h.app.request('/api/recordings/p1/scores', { headers: await as('bob') })).status).toBe(404);

      // Calibration: the lead sees p1 (two reviewers, 75 points apart); averages per agent and campaign.
      const cal = await h.app.request('/api/qa/calibration?call_id=p1&scorecard_id=' + id, { headers: lead });
      expect(cal.status).toBe(200);
      const calBody = (await cal.json()) as { calls: unknown[]; scores: Array<{ reviewerName: string }> };
      expect(calBody.calls).toEqual([{ callId: 'p1', scorecardId: id, reviewers: 2, spread: 75 }]);
      expect(calBody.scores.map((s) => s.reviewerName)).toEqual(['lead', 'sup']);
      const from = new Date(WEEK).toISOString();
      const to = new Date(WEEK + 7 * 86_400_000).toISOString();
      const avg = await h.app.request(`/api/qa/averages?by=campaign&from=${from}&to=${to}`, { headers: await as('sup') });
      expect(avg.status).toBe(200);
      expect(await avg.json()).toEqual({ items: [{ key: 'k1', period: WEEK, average: 37.5, scores: 2 }] });
      expect((await h.app.request(`/api/qa/averages?by=campaign&from=${from}&to=${to}`, { headers: await as('ana') })).status).toBe(403);

      // An archived scorecard scores no more.
      await h.json('PATCH', `/api/qa/scorecards/${id}`, { archived: true }, await as('sup'));
      expect((await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 1 } }, lead)).status).toBe(404);
    });
  });

  describe('recordings list and detail', () => {
    it("lists the node's recordings with their calls and campaign names, by role; the detail with peaks and jobs", async () => {
      const list = async (who: string, qs = '') => {
        const res = await h.app.request(`/api/recordings${qs}`, { headers: await as(who) });
        expect(res.status).toBe(200);
        return (await res.json()) as { items: Array<{ callId: string; call: { campaignName: string | null; agentId: string | null; userId: string | null } }>; total: number };
      };
      const all = await list('sup');
      expect(all.items.map((i) => i.callId)).toEqual(['p2', 'p1']);
      expect(all.total).toBe(2);
      expect(all.items[1]!.call).toMatchObject({ campaignName: 'Norte PG', agentId: 'agent-ana', userId: users.ana });
      expect((await list('sup', '?agent_id=agent-zoe')).items.map((i) => i.callId)).toEqual(['p2']);
      expect((await list('lead')).items.map((i) => i.callId)).toEqual(['p1']);
      expect((await list('bob')).items).toEqual([]);
      const bad = await h.app.request('/api/recordings?amd_status=LOUD', { headers: await as('sup') });
      expect(bad.status).toBe(422);
      expect(JSON.stringify(await bad.json())).toContain('amd_status');

      const detail = await h.app.request('/api/recordings/p1', { headers: await as('ana') });
      expect(detail.status).toBe(200);
      expect(await detail.json()).toMatchObject({ callId: 'p1', state: 'ready', durationMs: 60_000, peaks: [0.1, 0.9], peaksPerSecond: 10, jobs: [], call: { campaignName: 'Norte PG' } });
      expect((await h.app.request('/api/recordings/p1', { headers: await as('bob') })).status).toBe(404);
      expect((await h.app.request('/api/recordings/lite-1', { headers: await as('sup') })).status).toBe(404);
    });
  });
}, { prefix: 'pg_twins2_recordings_qa' });
