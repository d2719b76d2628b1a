/**
 * `Local/<exten>@<context>` channels into the test dialplan the traces were recorded with (contexts
 * `amd-sim` and `agents`, plus the product's `centralita-doctor`): the `;2` half runs the applications and publishes ChannelDialplan, state and
 * hangup events the way Asterisk 22 did in test/fixtures/asterisk22. An unknown extension destroys both
 * halves with cause 0 and no Dial event.
 */
import { deriveSeed } from './audio/rng.js';
import { speech } from './audio/speech.js';
import type { SimChannel } from './model/channel.js';
import type { Pbx } from './pbx.js';

type Step =
  | { app: 'Ringing' }
  | { app: 'Answer' }
  | { app: 'Echo' }
  | { app: 'Busy' }
  | { app: 'Congestion' }
  | { app: 'Hangup' }
  | { app: 'Wait'; sec: number }
  | { app: 'Playback'; file: string; ms: number }
  | { app: 'Goto'; exten: string };

const HELLO: Step = { app: 'Playback', file: 'lab-hello', ms: 462 };

export const TEST_DIALPLAN: Record<string, Record<string, Step[]>> = {
  'amd-sim': {
    'ring-human': [{ app: 'Ringing' }, { app: 'Wait', sec: 4 }, { app: 'Goto', exten: 'human' }],
    human: [{ app: 'Answer' }, { app: 'Wait', sec: 0.5 }, HELLO, { app: 'Wait', sec: 30 }],
    'human-hangup': [{ app: 'Answer' }, { app: 'Wait', sec: 0.5 }, HELLO, { app: 'Wait', sec: 2 }, { app: 'Hangup' }],
    'ring-noanswer': [{ app: 'Ringing' }, { app: 'Wait', sec: 60 }],
    machine: [{ app: 'Answer' }, { app: 'Playback', file: 'lab-greeting', ms: 8000 }, { app: 'Wait', sec: 30 }],
    busy: [{ app: 'Busy' }],
    congestion: [{ app: 'Congestion' }],
  },
  agents: {
    agent: [{ app: 'Answer' }, { app: 'Echo' }],
  },
  // The product's own dialplan (dialplan/extensions_centralita.conf): what `centralita doctor` dials.
  'centralita-doctor': {
    silence: [{ app: 'Answer' }, { app: 'Wait', sec: 10 }, { app: 'Hangup' }],
  },
};

export interface LocalRun {
  inPlayback: boolean;
  /** Audio started towards ;1 (a playback): Answer() stops waiting for media. */
  mediaStarted(): void;
}

const appData = (s: Step): string =>
  s.app === 'Wait' ? String(s.sec) : s.app === 'Playback' ? s.file : s.app === 'Goto' ? `${s.exten},1` : '';

export function runLocalDialplan(pbx: Pbx, ch1: SimChannel, ch2: SimChannel, timeoutMs: number): void {
  const context = ch2.dialplan.context;
  let exten = ch2.dialplan.exten;
  if (!TEST_DIALPLAN[context]?.[exten]) {
    ch2.destroyed = true;
    pbx.chanEvent(ch2, 'ChannelDestroyed', { cause: 0, cause_txt: 'Unknown' });
    pbx.channels.delete(ch2.id);
    pbx.endChannel(ch1, 0, { partnerCause: 0 });
    return;
  }
  let waitingForMedia: (() => void) | null = null;
  const run: LocalRun = {
    inPlayback: false,
    mediaStarted() {
      const resume = waitingForMedia;
      waitingForMedia = null;
      resume?.();
    },
  };
  pbx.localRuns.set(ch1.id, run);
  ch1.dialing = true;
  pbx.dialEvent(ch1, '');
  pbx.after(ch1, timeoutMs, () => {
    if (!ch1.answered) pbx.destroy(ch1, 19);
  });

  const step = (priority: number): void => {
    if (ch2.destroyed) return;
    const steps = TEST_DIALPLAN[context]?.[exten] ?? [];
    const s = steps[priority - 1];
    if (!s) return hangup();
    ch2.dialplan = { context, exten, priority, app_name: s.app, app_data: appData(s) };
    pbx.chanEvent(ch2, 'ChannelDialplan', { dialplan_app: s.app, dialplan_app_data: appData(s) });
    const next = (): void => step(priority + 1);
    switch (s.app) {
      case 'Ringing':
        pbx.setState(ch1, 'Ringing');
        pbx.dialEvent(ch1, 'RINGING');
        return next();
      case 'Wait':
        return pbx.after(ch2, s.sec * 1000, next);
      case 'Goto':
        exten = s.exten;
        return step(1);
      case 'Answer': {
        pbx.setState(ch2, 'Up');
        ch2.answered = true;
        pbx.answerOutbound(ch1);
        // Answer() waits up to 500 ms for the first audio frame from the other side before going on.
        let done = false;
        const go = (): void => {
          if (done) return;
          done = true;
          next();
        };
        waitingForMedia = go;
        return pbx.after(ch2, 500, go);
      }
      case 'Playback':
        run.inPlayback = true;
        ch1.audio = speech({ ms: s.ms, seed: deriveSeed(pbx.opts.seed, `${ch1.id}/${s.file}`) });
        return pbx.after(ch2, s.ms, () => {
          run.inPlayback = false;
          pbx.setVar(ch2, 'PLAYBACKSTATUS', 'SUCCESS');
          next();
        });
      case 'Busy':
      case 'Congestion': {
        const busy = s.app === 'Busy';
        pbx.setState(ch2, 'Busy');
        pbx.run(() => {
          pbx.dialEvent(ch1, busy ? 'BUSY' : 'CONGESTION');
          ch1.dialing = false;
          pbx.endChannel(ch1, 0, { partnerRequestCause: 0, partnerCause: busy ? 17 : 34 });
        });
        return;
      }
      case 'Echo':
        return;
      case 'Hangup':
        return hangup();
    }
  };

  const hangup = (): void => {
    pbx.run(() => {
      pbx.hangupRequest(ch2, 16, true);
      ch2.destroyed = true;
      for (const t of ch2.timers) pbx.clock.clearTimeout(t);
      ch2.dialplan = { ...ch2.dialplan, app_name: '', app_data: '' };
      pbx.chanEvent(ch2, 'ChannelDestroyed', { cause: 16, cause_txt: 'Normal Clearing' });
      pbx.channels.delete(ch2.id);
      if (ch1.answered) pbx.hangupRemote(ch1, 16);
      else pbx.destroy(ch1, 16);
    });
  };

  step(1);
}
