/**
 * A scripted AmdSource (a test double): decides from the dialled number instead of audio, on the engine's Clock.
 * It stands in for the media plane in tests and in the `pacing:pbx` benchmark (bench/pacing-pbx.ts, which gives
 * it a script from each lead's fate). By default the decisions mirror what the simulator's callee scripts sound
 * like, by the script a test number reaches (engine/sim `testRangeScript`).
 */
import type { AmdDecision, AmdStatus } from '../../engine/amd/types.js';
import type { Clock } from '../../engine/clock/index.js';
import { testRangeScript } from '../../engine/sim/index.js';
import type { AmdSession, AmdSource } from '../../engine/shell/ports.js';

export interface ScriptedDecision {
  status: AmdStatus;
  cause: string;
  /** ms after the session opens. */
  afterMs: number;
  /** For machines: ms after the session opens at which the beep ends (voicemail policy). */
  beepAfterMs?: number;
}

export type DecisionScript = (phone: string) => ScriptedDecision | null;

/** Decisions for the simulator's fixed test ranges; null = never decides (the callee hangs up first). */
export const simRangeDecisions: DecisionScript = (phone) => {
  switch (testRangeScript(phone.replace(/[^0-9]/g, ''))) {
    case 'human':
      return { status: 'HUMAN', cause: 'HUMAN-600-900', afterMs: 1500 };
    case 'machine':
    case 'voicemail-early-media':
      return { status: 'MACHINE', cause: 'LONGGREETING-1600-1500', afterMs: 2200 };
    case 'silence':
      return { status: 'MACHINE', cause: 'INITIALSILENCE-2500-2500', afterMs: 2500 };
    case 'hangup-during-amd':
      return null;
    default:
      return { status: 'NOTSURE', cause: 'TOOLONG-5000', afterMs: 5000 };
  }
};

export interface ScriptedAmdOptions {
  clock: Clock;
  host: string;
  port: number;
  script?: DecisionScript;
}

export function scriptedAmdSource(opts: ScriptedAmdOptions): AmdSource & { readonly opened: string[]; readonly openSessions: number } {
  const script = opts.script ?? simRangeDecisions;
  const opened: string[] = [];
  let live = 0;
  return {
    opened,
    get openSessions() {
      return live;
    },
    async open({ callId, phone }): Promise<AmdSession> {
      opened.push(callId);
      live++;
      const plan = script(phone);
      const timers: Array<ReturnType<Clock['setTimeout']>> = [];
      let closed = false;
      let settle: (d: AmdDecision) => void = () => {};
      const decision = new Promise<AmdDecision>((resolve) => (settle = resolve));
      let beepDone: (ms: number | null) => void = () => {};
      const beep = new Promise<number | null>((resolve) => (beepDone = resolve));
      if (plan) {
        timers.push(
          opts.clock.setTimeout(
            () =>
              settle({
                status: plan.status,
                cause: plan.cause,
                decisionMs: plan.afterMs,
                trace: { frameEnergy: [], words: [], notes: ['scripted'], decisionFrame: Math.round(plan.afterMs / 20) },
              }),
            plan.afterMs,
          ),
        );
        if (plan.beepAfterMs !== undefined) {
          const at = plan.beepAfterMs;
          timers.push(opts.clock.setTimeout(() => beepDone(at), at));
        }
      }
      return {
        host: opts.host,
        port: opts.port,
        decision,
        beep,
        close() {
          if (closed) return;
          closed = true;
          live--;
          for (const t of timers) opts.clock.clearTimeout(t);
          beepDone(null);
        },
      };
    },
  };
}
