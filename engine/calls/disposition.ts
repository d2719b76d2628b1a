import type { Disposition } from '../events/index.js';

/**
 * Maps how an unanswered attempt ended to a disposition. Pure.
 *
 * The Dial event is trusted first: on Local channels Asterisk reports BUSY/CONGESTION there and destroys our
 * channel with cause 0 (asterisk22/agent-bridge-record-busy-machine, congestion-invalid-early-bridge). On a
 * PJSIP trunk there is no such Dial status and the channel's own cause tells (17 busy, 34 congestion ...).
 * A Local dial into a missing extension destroys the channel with cause 0 and sends no Dial event at all.
 */
export function unansweredDisposition(input: {
  dialStatus: string | null;
  cause: number | null;
  /** Any Dial event (even dialstatus "") was seen for this channel. */
  sawDial: boolean;
  cancelled: boolean;
}): Disposition {
  const { dialStatus, cause, sawDial, cancelled } = input;
  // We hung it up ourselves while it rang: Asterisk reports Dial NOANSWER, causes 32/16.
  if (cancelled) return 'CANCELLED';
  switch (dialStatus) {
    case 'BUSY':
      return 'BUSY';
    case 'CONGESTION':
      return 'CONGESTION';
    case 'NOANSWER':
      return 'NO_ANSWER';
    case 'CHANUNAVAIL':
      return cause !== null && isInvalidNumberCause(cause) ? 'INVALID_NUMBER' : 'FAILED';
    default:
      break;
  }
  if (cause === null) return 'FAILED';
  if (cause === 0) return sawDial ? 'FAILED' : 'INVALID_NUMBER';
  return causeDisposition(cause);
}

function isInvalidNumberCause(cause: number): boolean {
  // 1 unallocated number, 2/3 no route, 22 number changed, 28 invalid number format.
  return cause === 1 || cause === 2 || cause === 3 || cause === 22 || cause === 28;
}

/** Q.850 cause → disposition for a channel that never answered. */
export function causeDisposition(cause: number): Disposition {
  if (isInvalidNumberCause(cause)) return 'INVALID_NUMBER';
  switch (cause) {
    case 17: // user busy
    case 21: // call rejected: the callee declined — retried like busy
      return 'BUSY';
    case 18: // no user responding
    case 19: // user alerting, no answer (originate timeout)
    case 16: // normal clearing before answer: the far end gave up ringing
      return 'NO_ANSWER';
    case 34: // no circuit/channel available
    case 38: // network out of order
    case 41: // temporary failure
    case 42: // switching equipment congestion
    case 44: // requested channel not available
      return 'CONGESTION';
    default:
      return 'FAILED';
  }
}
