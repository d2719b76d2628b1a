/**
 * Executes a callee plan (engine/sim/scripts.ts) on an outbound PJSIP-like channel, publishing what
 * Asterisk publishes for a trunk call: Dial "", Ringing + Dial RINGING on 180, Dial PROGRESS on 183 with
 * early media, then answer (Up, Dial ANSWER, Stasis) or refusal (Dial <status>, ChannelDestroyed <cause>).
 * Unanswered by the originate timeout: ChannelDestroyed 19 and no Dial NOANSWER (ring-timeout trace).
 */
import type { SimChannel } from './model/channel.js';
import type { Pbx } from './pbx.js';
import type { CalleePlan } from './scripts.js';

export function runCalleePlan(pbx: Pbx, ch: SimChannel, plan: CalleePlan, timeoutMs: number): void {
  ch.dialing = true;
  pbx.dialEvent(ch, '');
  if (plan.ringAtMs !== null) {
    pbx.after(ch, plan.ringAtMs, () => {
      pbx.setState(ch, 'Ringing');
      pbx.dialEvent(ch, 'RINGING');
    });
  }
  if (plan.earlyMedia) {
    const early = plan.earlyMedia;
    pbx.after(ch, early.atMs, () => {
      pbx.dialEvent(ch, 'PROGRESS');
      ch.audio = early.audio();
    });
  }
  const out = plan.outcome;
  if (out.kind === 'answer' && out.atMs < timeoutMs) {
    const answer = (): void => {
      ch.audio = out.audio();
      pbx.answerOutbound(ch);
      if (out.hangupAfterMs !== undefined && !ch.destroyed) pbx.after(ch, out.hangupAfterMs, () => pbx.hangupRemote(ch, 16));
    };
    // Bots answer at once: within the originate request, so StasisStart precedes the HTTP reply.
    if (out.atMs <= 0) answer();
    else pbx.after(ch, out.atMs, answer);
  } else if (out.kind === 'fail' && out.atMs < timeoutMs) {
    pbx.after(ch, out.atMs, () => {
      pbx.dialEvent(ch, out.dialstatus);
      pbx.destroy(ch, out.cause);
    });
  }
  pbx.after(ch, timeoutMs, () => {
    if (!ch.answered) pbx.destroy(ch, 19);
  });
}
