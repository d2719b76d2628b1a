/**
 * A CallLog as a timeline: dialed, ringing, answered, AMD decision (with its cause), bridged, ended, and who
 * hung up with the Q.850 cause. Pure, so the reading of "who hung up" is tested in one place.
 */
export interface CallForTimeline {
  createdAt: number;
  ringingAt: number | null;
  answeredAt: number | null;
  amdAt: number | null;
  amdStatus: string | null;
  amdCause: string | null;
  amdDecisionMs: number | null;
  bridgedAt: number | null;
  endedAt: number | null;
  disposition: string | null;
  hangupCause: number | null;
  hangupBy: string | null;
  /** Why the call was cut off (disposition INTERRUPTED): asterisk_restart, ari_lost, engine_lost, engine_stopped. */
  interruption: string | null;
  agentId: string | null;
}

export type HangupSide = 'agent' | 'callee' | 'system' | 'network';

export interface TimelineStep {
  key: 'dialed' | 'ringing' | 'answered' | 'amd' | 'bridged' | 'ended';
  at: number;
  /** i18n interpolation values for the step's detail line. */
  detail?: Record<string, string | number>;
}

/** Who ended the call: the agent (console), the callee, Centralita itself (machine, drop, cancel) or the network. */
export function hangupSide(c: Pick<CallForTimeline, 'hangupBy' | 'disposition'>): HangupSide | null {
  if (c.hangupBy === 'agent') return 'agent';
  switch (c.disposition) {
    case null:
      return null;
    case 'ANSWERED_HUMAN':
    case 'HUNG_UP_DURING_AMD':
      return 'callee';
    case 'MACHINE':
    case 'DROPPED':
    case 'CANCELLED':
      return 'system';
    default:
      return 'network';
  }
}

export function callTimeline(c: CallForTimeline): TimelineStep[] {
  const steps: TimelineStep[] = [{ key: 'dialed', at: c.createdAt }];
  if (c.ringingAt !== null) steps.push({ key: 'ringing', at: c.ringingAt });
  if (c.answeredAt !== null) steps.push({ key: 'answered', at: c.answeredAt });
  if (c.amdAt !== null) steps.push({ key: 'amd', at: c.amdAt, detail: { status: c.amdStatus ?? '—', cause: c.amdCause ?? '—', ms: c.amdDecisionMs ?? 0 } });
  if (c.bridgedAt !== null) steps.push({ key: 'bridged', at: c.bridgedAt, detail: { agent: c.agentId ?? '—' } });
  if (c.endedAt !== null) {
    // A call cut off by an outage ends when it was last known alive, and the outage is the reason, not a hang-up.
    const detail: Record<string, string | number> = c.disposition === 'INTERRUPTED' ? { interruption: c.interruption ?? '—' } : { cause: c.hangupCause ?? '—' };
    steps.push({ key: 'ended', at: c.endedAt, detail });
  }
  return steps;
}
