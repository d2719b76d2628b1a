import { describe, expect, it } from 'vitest';
import { causeDisposition, unansweredDisposition } from '../../../engine/calls/disposition.js';

describe('unansweredDisposition', () => {
  const base = { dialStatus: null, cause: null, sawDial: true, cancelled: false };

  it.each([
    // Local channels: the Dial event tells, the channel dies with cause 0 (asterisk22 traces)
    [{ dialStatus: 'BUSY', cause: 0 }, 'BUSY'],
    [{ dialStatus: 'CONGESTION', cause: 0 }, 'CONGESTION'],
    [{ dialStatus: 'NOANSWER', cause: 16 }, 'NO_ANSWER'],
    [{ dialStatus: 'CHANUNAVAIL', cause: 1 }, 'INVALID_NUMBER'],
    [{ dialStatus: 'CHANUNAVAIL', cause: 0 }, 'FAILED'],
    // invalid extension on Local: cause 0 and no Dial event at all
    [{ sawDial: false, cause: 0 }, 'INVALID_NUMBER'],
    [{ sawDial: true, cause: 0 }, 'FAILED'],
    // PJSIP trunk: the channel's own cause
    [{ cause: 17 }, 'BUSY'],
    [{ cause: 19 }, 'NO_ANSWER'],
    [{ cause: 18 }, 'NO_ANSWER'],
    [{ cause: 16 }, 'NO_ANSWER'],
    [{ cause: 21 }, 'BUSY'],
    [{ cause: 34 }, 'CONGESTION'],
    [{ cause: 38 }, 'CONGESTION'],
    [{ cause: 42 }, 'CONGESTION'],
    [{ cause: 1 }, 'INVALID_NUMBER'],
    [{ cause: 28 }, 'INVALID_NUMBER'],
    [{ cause: 127 }, 'FAILED'],
    [{ cause: null }, 'FAILED'],
    // we hung it up ourselves: Dial NOANSWER, causes 32/16 — still CANCELLED
    [{ cancelled: true, dialStatus: 'NOANSWER', cause: 16 }, 'CANCELLED'],
  ])('%j → %s', (partial, expected) => {
    expect(unansweredDisposition({ ...base, ...partial })).toBe(expected);
  });

  it('trusts the Dial status over the channel cause', () => {
    expect(unansweredDisposition({ ...base, dialStatus: 'BUSY', cause: 16 })).toBe('BUSY');
  });

  it('maps unknown causes to FAILED', () => {
    expect(causeDisposition(111)).toBe('FAILED');
  });
});
