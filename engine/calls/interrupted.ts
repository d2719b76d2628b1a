import type { Disposition, InterruptionCause } from '../events/index.js';

/**
 * How far a call had got when its end went unseen: the reducer's phase, or the CallLog stage a dead process
 * left behind.
 */
export interface InterruptedCall {
  stage: 'created' | 'dialing' | 'ringing' | 'answered' | 'amd' | 'agent-wait' | 'bridged' | 'decided';
  /** The outcome already decided before the loss (MACHINE, DROPPED, HUNG_UP_DURING_AMD …), if any. */
  decided: Disposition | null;
  /** AMD's verdict as acted upon, when there was one. */
  treatedAs: 'HUMAN' | 'MACHINE' | null;
}

/**
 * The disposition of a call whose end nobody saw (Asterisk restarted, ARI was lost, the engine died). Pure; the
 * reducer applies it after a reconnect, the start-up reconciliation to CallLogs a dead process left open.
 *
 * - An outcome already decided stays (a machine is a machine; a human dropped is a drop).
 * - A human who answered and was waiting for an agent is DROPPED: no agent reached them within the rule
 *   (counted against the abandon rate, as it must be).
 * - A bridged call is INTERRUPTED — the customer was cut off — unless only ARI was lost: Asterisk kept the call
 *   then, and it ended on its own while we were not watching (ANSWERED_HUMAN; the CallLog still says the end
 *   was not seen).
 * - Anything else (ringing, answered before a verdict) is INTERRUPTED: whether and how the callee answered is
 *   unknown — never NO_ANSWER, never CANCELLED, so the lead is neither miscounted nor silently dropped; the
 *   campaign's retry policy for INTERRUPTED decides it.
 */
export function interruptedDisposition(call: InterruptedCall, cause: InterruptionCause): Disposition {
  switch (call.stage) {
    case 'decided':
      return call.decided ?? 'INTERRUPTED';
    case 'bridged':
      return cause === 'ari_lost' ? 'ANSWERED_HUMAN' : 'INTERRUPTED';
    case 'agent-wait':
      return 'DROPPED';
    case 'amd':
      if (call.treatedAs === 'MACHINE') return 'MACHINE';
      if (call.treatedAs === 'HUMAN') return 'DROPPED';
      return 'INTERRUPTED';
    default:
      return 'INTERRUPTED';
  }
}
