/**
 * CallLog writes as the engine makes them (engine/shell's CallLogWriter), one body on SQLite and on PostgreSQL
 * (test/support/store-dialects.ts): create, one UPDATE per transition, `end` with durations derived from the
 * stored stamps, nothing rewritten after the end, the alive stamp, reconciliation's close and the open rows' list.
 */
import { expect, it } from 'vitest';
import { describeDialects } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);

describeDialects(
  'CallLog transitions',
  (h) => {
    it('writes each transition and derives durations at the end; late events rewrite nothing', async () => {
      const id = 'call-1';
      await h.callLogs.create({ id, campaignId: 'camp', leadId: 'lead', phone: '+50688887777', nodeId: 'n1', channelId: 'ch-1', at: T0 });
      expect((await h.callLogs.get(id))?.stage).toBe('created');
      expect(await h.callLogs.markRinging(id, T0 + 1_000)).toBe(true);
      expect(await h.callLogs.markRinging(id, T0 + 1_500)).toBe(true); // a second ringing report keeps the first time
      expect((await h.callLogs.get(id))?.ringingAt).toBe(T0 + 1_000);
      await h.callLogs.markAnswered(id, T0 + 9_000);
      await h.callLogs.markAmd(id, { status: 'HUMAN', cause: 'HUMAN-1-1', decisionMs: 1_200, at: T0 + 10_200 });
      await h.callLogs.markBridged(id, { agentId: 'a1', bridgeId: 'b1', agentChannelId: 'ach', at: T0 + 10_300 });
      const mid = (await h.callLogs.get(id))!;
      expect(mid.stage).toBe('bridged');
      expect(mid.endedAt).toBeNull();
      expect((await h.callLogs.listOpenCallLogs()).map((r) => r.id)).toEqual([id]);

      expect(await h.callLogs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + 70_300 })).toBe(true);
      expect(await h.callLogs.listOpenCallLogs()).toEqual([]);
      // Late events after the end do not rewrite the row.
      expect(await h.callLogs.markAnswered(id, T0 + 99_000)).toBe(false);
      expect(await h.callLogs.markRinging(id, T0 + 99_000)).toBe(false);
      expect(await h.callLogs.markAmdLate(id, { cause: 'late', decisionMs: 9_000, at: T0 + 99_000 })).toBe(false);
      expect(await h.callLogs.markBridged(id, { agentId: 'a2', at: T0 + 99_000 })).toBe(false);
      expect(await h.callLogs.end(id, { disposition: 'FAILED', hangupCause: 0, at: T0 + 99_000 })).toBe(false);
      expect(await h.callLogs.closeCallLog(id, 'INTERRUPTED', null, T0 + 99_000, 'engine_lost')).toBe(false);
      // The whole row, column by column: the same values and the same JS types on both dialects.
      expect(await h.callLogs.get(id)).toEqual({
        id,
        kind: 'dialer',
        campaignId: 'camp',
        leadId: 'lead',
        phone: '+50688887777',
        agentId: 'a1',
        userId: null,
        channelId: 'ch-1',
        agentChannelId: 'ach',
        bridgeId: 'b1',
        stage: 'ended',
        createdAt: T0,
        ringingAt: T0 + 1_000,
        answeredAt: T0 + 9_000,
        amdAt: T0 + 10_200,
        bridgedAt: T0 + 10_300,
        endedAt: T0 + 70_300,
        ringMs: 8_000,
        talkMs: 60_000,
        totalMs: 70_300,
        disposition: 'ANSWERED_HUMAN',
        hangupCause: 16,
        dialStatus: null,
        amdStatus: 'HUMAN',
        amdCause: 'HUMAN-1-1',
        amdDecisionMs: 1_200,
        amdTreatedAs: 'HUMAN',
        amdLateCause: null,
        amdLateDecisionMs: null,
        amdLateAt: null,
        safeHarborPlayed: false,
        voicemailLeft: false,
        recordingRef: null,
        notes: null,
        outcome: null,
        hangupBy: null,
        nodeId: 'n1',
        interruption: null,
        aliveAt: null,
      });
    });

    it('a never-answered call has ring time to the end and no talk; unrung, ring time counts from creation', async () => {
      await h.callLogs.create({ id: 'na', campaignId: 'camp', leadId: null, phone: '+50688887777', nodeId: 'n1', at: T0 });
      await h.callLogs.markRinging('na', T0 + 2_000);
      await h.callLogs.end('na', { disposition: 'NO_ANSWER', hangupCause: 19, at: T0 + 27_000 });
      expect(await h.callLogs.get('na')).toMatchObject({ ringMs: 25_000, talkMs: 0, totalMs: 27_000, stage: 'ended' });

      await h.callLogs.create({ id: 'fast', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      await h.callLogs.markAnswered('fast', T0 + 3_000);
      await h.callLogs.end('fast', { disposition: 'MACHINE', hangupCause: 16, at: T0 + 4_000 });
      expect(await h.callLogs.get('fast')).toMatchObject({ ringMs: 3_000, talkMs: 0, totalMs: 4_000 });
      // An end stamped before creation (clock skew between processes) gives no negative duration.
      await h.callLogs.create({ id: 'skew', campaignId: 'camp', leadId: null, phone: '+2', nodeId: 'n1', at: T0 });
      await h.callLogs.end('skew', { disposition: 'FAILED', hangupCause: null, at: T0 - 5 });
      expect(await h.callLogs.get('skew')).toMatchObject({ ringMs: 0, talkMs: 0, totalMs: 0 });
    });

    it('AMD verdicts: HANGUP is treated as nothing, MACHINE as machine, a late verdict sits beside the first', async () => {
      for (const id of ['h', 'm', 'x']) await h.callLogs.create({ id, campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      await h.callLogs.markAmd('h', { status: 'HANGUP', cause: 'HANGUP', decisionMs: 300, at: T0 + 1 });
      await h.callLogs.markAmd('m', { status: 'MACHINE', cause: 'LONGGREETING', decisionMs: 2_500, at: T0 + 2 });
      await h.callLogs.markAmd('x', { status: 'NOTSURE', cause: 'TOOLONG', decisionMs: 4_000, treatedAs: 'MACHINE', at: T0 + 3 });
      expect(await h.callLogs.markAmdLate('h', { cause: 'BEEP', decisionMs: 7_000, at: T0 + 9 })).toBe(true);
      expect(await h.callLogs.get('h')).toMatchObject({ amdStatus: 'HANGUP', amdTreatedAs: null, amdLateCause: 'BEEP', amdLateDecisionMs: 7_000, amdLateAt: T0 + 9, stage: 'amd' });
      expect(await h.callLogs.get('m')).toMatchObject({ amdStatus: 'MACHINE', amdTreatedAs: 'MACHINE', amdCause: 'LONGGREETING' });
      expect(await h.callLogs.get('x')).toMatchObject({ amdStatus: 'NOTSURE', amdTreatedAs: 'MACHINE' });
    });

    it("a bridged call is attributed to the agent's user; end's optional fields are written, a null agent keeps the bridged one", async () => {
      await h.seed.agent({ id: 'a1', name: 'Ana', userId: 'u1' });
      await h.callLogs.create({ id: 'c', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      expect(await h.callLogs.markBridged('c', { agentId: 'a1', at: T0 + 5_000 })).toBe(true);
      expect(await h.callLogs.get('c')).toMatchObject({ agentId: 'a1', userId: 'u1', bridgeId: null, agentChannelId: null });
      // A manual call names its user at creation: the agent's user does not replace it.
      await h.callLogs.create({ id: 'm', kind: 'manual', campaignId: null, leadId: null, phone: '+2', nodeId: 'n1', userId: 'u9', at: T0 });
      await h.callLogs.markBridged('m', { agentId: 'a1', at: T0 + 1 });
      expect(await h.callLogs.get('m')).toMatchObject({ kind: 'manual', userId: 'u9', agentId: 'a1' });

      await h.callLogs.end('c', {
        disposition: 'ANSWERED_HUMAN',
        hangupCause: 16,
        at: T0 + 65_000,
        dialStatus: 'ANSWER',
        agentId: null,
        safeHarborPlayed: true,
        voicemailLeft: true,
        recordingRef: 'rec/c.wav',
        notes: 'call back',
      });
      expect(await h.callLogs.get('c')).toMatchObject({
        agentId: 'a1',
        dialStatus: 'ANSWER',
        safeHarborPlayed: true,
        voicemailLeft: true,
        recordingRef: 'rec/c.wav',
        notes: 'call back',
        talkMs: 60_000,
        interruption: null,
      });
    });

    it('a restart finds the open rows, per node; reconciliation closes one with its cause', async () => {
      await h.callLogs.create({ id: 'x1', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      await h.callLogs.markAnswered('x1', T0 + 5_000);
      await h.callLogs.create({ id: 'x2', campaignId: 'camp', leadId: null, phone: '+2', nodeId: 'n2', at: T0 + 1 });
      await h.reopen(); // "crash"
      expect((await h.callLogs.listOpenCallLogs()).map((r) => r.id)).toEqual(['x1', 'x2']);
      expect((await h.callLogs.listOpenCallLogs('n1')).map((r) => [r.id, r.stage])).toEqual([['x1', 'answered']]);
      expect(await h.callLogs.listOpenCallLogs('n3')).toEqual([]);
      expect(await h.callLogs.closeCallLog('x1', 'FAILED', null, T0 + 60_000)).toBe(true);
      expect(await h.callLogs.get('x1')).toMatchObject({ disposition: 'FAILED', hangupCause: null, totalMs: 60_000, talkMs: 0, ringMs: 5_000, interruption: null });
      expect((await h.callLogs.listOpenCallLogs()).map((r) => r.id)).toEqual(['x2']);
    });

    it('open rows created in the same millisecond are listed in id order', async () => {
      // Reconciliation walks them in this order; both stores must agree on it (ties by id, not by insertion).
      // Byte order, whatever the database's collation (a linguistic one would put `ca` before `cB`).
      for (const id of ['c-3', 'ca', 'c-1', 'cB', 'c-2']) await h.callLogs.create({ id, campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      await h.callLogs.create({ id: 'b-0', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 + 1 });
      await h.callLogs.create({ id: 'z-0', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 - 1 });
      const order = ['z-0', 'c-1', 'c-2', 'c-3', 'cB', 'ca', 'b-0'];
      expect((await h.callLogs.listOpenCallLogs()).map((r) => r.id)).toEqual(order);
      expect((await h.callLogs.listOpenCallLogs('n1')).map((r) => r.id)).toEqual(order);
    });

    it('stamps open rows of a node as alive (one statement), and closes an interrupted row with its cause', async () => {
      await h.callLogs.create({ id: 'al1', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      await h.callLogs.markBridged('al1', { agentId: 'a1', at: T0 + 10_000 });
      await h.callLogs.create({ id: 'al2', campaignId: 'camp', leadId: null, phone: '+2', nodeId: 'n2', at: T0 });
      await h.callLogs.create({ id: 'al3', campaignId: 'camp', leadId: null, phone: '+3', nodeId: 'n1', at: T0 });
      await h.callLogs.end('al3', { disposition: 'BUSY', hangupCause: 17, at: T0 + 1_000 });
      expect(await h.callLogs.markAlive('n1', T0 + 70_000)).toBe(1);
      expect(await h.callLogs.markAlive('n9', T0 + 70_000)).toBe(0);
      expect((await h.callLogs.get('al1'))?.aliveAt).toBe(T0 + 70_000);
      expect((await h.callLogs.get('al2'))?.aliveAt).toBeNull();
      expect((await h.callLogs.get('al3'))?.aliveAt).toBeNull();
      expect(await h.callLogs.closeCallLog('al1', 'INTERRUPTED', null, T0 + 70_000, 'engine_lost')).toBe(true);
      expect(await h.callLogs.get('al1')).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'engine_lost', talkMs: 60_000, endedAt: T0 + 70_000 });
    });

    it('a second create with the same id fails and leaves the first row as it was', async () => {
      await h.callLogs.create({ id: 'dup', campaignId: 'camp', leadId: null, phone: '+1', nodeId: 'n1', at: T0 });
      await expect(h.callLogs.create({ id: 'dup', campaignId: 'other', leadId: null, phone: '+2', nodeId: 'n2', at: T0 + 1 })).rejects.toThrow();
      expect(await h.callLogs.get('dup')).toMatchObject({ campaignId: 'camp', phone: '+1', nodeId: 'n1' });
      expect(await h.callLogs.get('nope')).toBeUndefined();
      expect(await h.callLogs.markAnswered('nope', T0)).toBe(false);
    });
  },
  { prefix: 'ct_dialect_calllogs' },
);
