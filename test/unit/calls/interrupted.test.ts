import { describe, expect, it } from 'vitest';
import { interruptedDisposition, type InterruptedCall } from '../../../engine/calls/index.js';
import { INTERRUPTION_CAUSES } from '../../../engine/events/index.js';

const call = (stage: InterruptedCall['stage'], extra: Partial<InterruptedCall> = {}): InterruptedCall => ({ stage, decided: null, treatedAs: null, ...extra });

describe('interruptedDisposition: a call whose end nobody saw', () => {
  it('ringing or answered before a verdict → INTERRUPTED whatever the cause (never NO_ANSWER, never CANCELLED)', () => {
    for (const cause of INTERRUPTION_CAUSES) {
      for (const stage of ['created', 'dialing', 'ringing', 'answered', 'amd'] as const) {
        expect(interruptedDisposition(call(stage), cause)).toBe('INTERRUPTED');
      }
    }
  });

  it('bridged → INTERRUPTED (cut off), except when only ARI was lost: Asterisk kept the call → ANSWERED_HUMAN', () => {
    expect(interruptedDisposition(call('bridged'), 'asterisk_restart')).toBe('INTERRUPTED');
    expect(interruptedDisposition(call('bridged'), 'engine_lost')).toBe('INTERRUPTED');
    expect(interruptedDisposition(call('bridged'), 'engine_stopped')).toBe('INTERRUPTED');
    expect(interruptedDisposition(call('bridged'), 'ari_lost')).toBe('ANSWERED_HUMAN');
  });

  it('a human with a verdict and no agent yet → DROPPED; a machine → MACHINE; a decided outcome stays', () => {
    expect(interruptedDisposition(call('agent-wait'), 'engine_lost')).toBe('DROPPED');
    expect(interruptedDisposition(call('amd', { treatedAs: 'HUMAN' }), 'engine_lost')).toBe('DROPPED');
    expect(interruptedDisposition(call('amd', { treatedAs: 'MACHINE' }), 'engine_lost')).toBe('MACHINE');
    expect(interruptedDisposition(call('decided', { decided: 'HUNG_UP_DURING_AMD' }), 'asterisk_restart')).toBe('HUNG_UP_DURING_AMD');
  });
});
