import { describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../../engine/events/types.js';
import { nextLeadState, statusForDisposition, type AttemptPolicy } from '../../../engine/leads/index.js';

const policy: AttemptPolicy = {
  maxAttempts: 3,
  retryDelayS: (d) => (d === 'ANSWERED_HUMAN' || d === 'INVALID_NUMBER' ? null : d === 'BUSY' ? 60 : 600),
};

describe('nextLeadState', () => {
  it('maps every disposition to a lead status of the issue', () => {
    const statuses = new Set(DISPOSITIONS.map(statusForDisposition));
    expect([...statuses].sort()).toEqual(['busy', 'completed', 'dropped', 'error', 'interrupted', 'machine', 'no_answer', 'no_selected']);
  });

  it('schedules retries by disposition and stops at max attempts', () => {
    const at = 1_000_000;
    expect(nextLeadState({ attempts: 0 }, 'BUSY', at, policy)).toEqual({
      status: 'busy',
      attempts: 1,
      lastAttemptAt: at,
      lastDisposition: 'BUSY',
      nextDueAt: at + 60_000,
      lastError: null,
    });
    expect(nextLeadState({ attempts: 1 }, 'NO_ANSWER', at, policy)).toMatchObject({ attempts: 2, nextDueAt: at + 600_000 });
    expect(nextLeadState({ attempts: 2 }, 'MACHINE', at, policy)).toMatchObject({ status: 'machine', attempts: 3, nextDueAt: null });
  });

  it('final dispositions clear the due time; CANCELLED does not count; errors are recorded', () => {
    expect(nextLeadState({ attempts: 0 }, 'ANSWERED_HUMAN', 5, policy)).toMatchObject({ status: 'completed', nextDueAt: null });
    expect(nextLeadState({ attempts: 2 }, 'CANCELLED', 5, policy)).toMatchObject({ status: 'no_selected', attempts: 2, nextDueAt: 600_005 });
    expect(nextLeadState({ attempts: 0 }, 'INVALID_NUMBER', 5, policy)).toMatchObject({ status: 'error', nextDueAt: null, lastError: 'invalid number' });
    expect(nextLeadState({ attempts: 0 }, 'CONGESTION', 5, policy, 'trunk down')).toMatchObject({ status: 'error', nextDueAt: 600_005, lastError: 'trunk down' });
  });
});
