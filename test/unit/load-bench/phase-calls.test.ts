/**
 * The engine-under-load figures of one phase: which calls count (answered inside it), and the AMD verdicts with the
 * causes behind them, so a run where every call went one way says why (engine-under-load prints them on failure).
 */
import { describe, expect, it } from 'vitest';
import { phaseCalls } from '../../../app/load-bench/index.js';
import type { CallLogRow } from '../../../engine/store/index.js';

const row = (o: Partial<CallLogRow>): CallLogRow => ({ answeredAt: null, amdAt: null, bridgedAt: null, disposition: null, amdStatus: null, amdCause: null, ...o }) as CallLogRow;

describe('load-bench phase figures', () => {
  it('counts the verdicts and their causes by name for the calls answered in the phase', () => {
    const rows = [
      row({ answeredAt: 1000, amdAt: 3500, amdStatus: 'MACHINE', amdCause: 'INITIALSILENCE-2500-2500', disposition: 'MACHINE' }),
      row({ answeredAt: 1200, amdAt: 6300, amdStatus: 'MACHINE', amdCause: 'STILLTALKING-5000-5000' }),
      row({ answeredAt: 1300, amdAt: 6100, amdStatus: 'MACHINE', amdCause: 'STILLTALKING-4900-5000' }),
      row({ answeredAt: 1400, amdAt: 2400, amdStatus: 'HUMAN', amdCause: 'HUMAN-900-800', bridgedAt: 2500 }),
      row({ answeredAt: 1500 }), // hung up before AMD decided
      row({ answeredAt: 9000, amdAt: 9900, amdStatus: 'HUMAN', amdCause: 'HUMAN-700-800', bridgedAt: 9950 }), // the next phase
    ];
    const p = phaseCalls(rows, 1000, 5000);
    expect(p).toMatchObject({ answered: 5, humans: 1, dropped: 0 });
    expect(p.amd).toEqual({ MACHINE: 3, HUMAN: 1, none: 1 });
    expect(p.amdCauses).toEqual({ INITIALSILENCE: 1, STILLTALKING: 2, HUMAN: 1 });
    expect(p.amdWaitMs).toEqual({ p50: 4800, max: 5100 });
  });
});
