/**
 * The agents' manual calls (engine/store `ManualCallLog`, #18), one body on SQLite and on PostgreSQL: a started call
 * is a CallLog of kind `manual`, bridged from its start, the same row on both; its end closes it with the durations
 * a node's call gets (talk counted only when the person was reached), refuses a call that is missing, not manual or
 * already ended (nothing written), and the caller's figures count it. Two ends of one call at once: one wins.
 */
import { expect, it } from 'vitest';
import { ManualCallError, type CallLogRow } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 3, 7, 10, 0, 0);
const start = (id: string, at = T0) => ({ id, userId: 'u1', phone: '+34600000001', leadId: '42', nodeId: 'node-a', at });

describeDialects(
  'manual calls',
  (h) => {
    it('starts a manual call bridged from its start; ends it with its durations and notes; the figures count it', async () => {
      const row = await h.manualCalls.start(start('m1'));
      expect(row).toMatchObject({ id: 'm1', kind: 'manual', userId: 'u1', phone: '+34600000001', leadId: '42', campaignId: null, agentId: null, nodeId: 'node-a', stage: 'bridged', createdAt: T0, bridgedAt: T0, endedAt: null });
      expect(await h.manualCalls.get('m1')).toEqual(row);

      const ended = await h.manualCalls.end({ id: 'm1', at: T0 + 65_400, disposition: 'ANSWERED_HUMAN', notes: 'called back' });
      expect(ended).toMatchObject({ id: 'm1', stage: 'ended', endedAt: T0 + 65_400, disposition: 'ANSWERED_HUMAN', hangupCause: 16, talkMs: 65_400, totalMs: 65_400, ringMs: 65_400, notes: 'called back' });
      // The person not reached: no talk time, whatever the line was open for.
      await h.manualCalls.start(start('m2', T0 + 100_000));
      expect(await h.manualCalls.end({ id: 'm2', at: T0 + 130_000, disposition: 'NO_ANSWER', notes: null })).toMatchObject({ talkMs: 0, totalMs: 30_000, notes: null });

      expect(await h.callMetrics.userMetrics('u1', {})).toMatchObject({ calls_made: 2, calls_success: 1, total_talk_time: 65.4 });
    });

    it('refuses a missing, a dialer and an ended call without writing', async () => {
      const code = async (p: Promise<unknown>) => {
        const err = await p.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ManualCallError);
        return (err as ManualCallError).code;
      };
      expect(await code(h.manualCalls.end({ id: 'nope', at: T0, disposition: 'ANSWERED_HUMAN', notes: null }))).toBe('not_found');

      await h.callLogs.create({ id: 'd1', campaignId: null, leadId: null, phone: '+34600000002', nodeId: 'node-a', at: T0 });
      expect(await code(h.manualCalls.end({ id: 'd1', at: T0 + 1000, disposition: 'ANSWERED_HUMAN', notes: 'x' }))).toBe('not_manual');
      expect(await h.manualCalls.get('d1')).toMatchObject({ kind: 'dialer', endedAt: null, notes: null });

      await h.manualCalls.start(start('m1'));
      const first: CallLogRow = await h.manualCalls.end({ id: 'm1', at: T0 + 5000, disposition: 'ANSWERED_HUMAN', notes: 'first' });
      expect(await code(h.manualCalls.end({ id: 'm1', at: T0 + 9000, disposition: 'NO_ANSWER', notes: 'second' }))).toBe('already_ended');
      expect(await h.manualCalls.get('m1')).toEqual(first);
    });

    it('two ends of one call at once: one ends it, the other is refused', async () => {
      await h.manualCalls.start(start('m1'));
      const results = await Promise.allSettled([
        h.manualCalls.end({ id: 'm1', at: T0 + 5000, disposition: 'ANSWERED_HUMAN', notes: 'a' }),
        h.manualCalls.end({ id: 'm1', at: T0 + 6000, disposition: 'NO_ANSWER', notes: 'b' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as ManualCallError).code).toBe('already_ended');
      const won = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<CallLogRow>).value;
      expect(await h.manualCalls.get('m1')).toEqual(won);
    });
  },
  { prefix: 'pg_config_manual' },
);
