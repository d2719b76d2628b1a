/**
 * Mode "centralita": energy and timing, like app_amd, but measured the way a person hears a call.
 *
 * - Voice is decided against an adaptive noise floor (noise-floor.ts), not a fixed 256, so noisy lines
 *   neither look like endless talk nor hide quiet voices; and against the callee's own level (the loudest
 *   voice heard, decaying): the person on the phone is the loud voice, a TV or a room behind them is not.
 * - The clock starts when the line opens: the digital silence before the first audio (up to a second, what
 *   Asterisk sends while the media path forms) counts neither as initial silence nor as analysis time.
 * - Words are not counted to decide MACHINE. What separates a person from a recording is the shape of the
 *   opening: a person says one phrase — "Hello?", or "Good morning, Martin's Hardware, how can I help you?"
 *   — and then waits for the caller; a recording keeps talking. So:
 *     HUMAN   when the opener is followed by a pause ≥ the required silence (afterGreetingSilence after a
 *             short opener, longer after a long one: a recording's first sentence is long and may be
 *             followed by a breath);
 *     MACHINE when talk (with only short pauses) goes on for `greeting` ms (LONGGREETING), or is still
 *             going on at totalAnalysisTime (STILLTALKING), or a beep is heard (BEEP), or nothing is said
 *             for `initialSilence` (INITIALSILENCE, as app_amd), or one sound lasts maximumWordLength.
 * - Beep detection (beep.ts) confirms MACHINE and gives `beepAtMs`, the moment to start a voicemail
 *   message. After a MACHINE decision the detector keeps listening for up to `beepListenMs`; when the beep
 *   comes, pushFrame() returns a new decision with `beepAtMs` and `onBeep` fires.
 * - The async watch (`lateWatchMs`): a HUMAN (or NOTSURE) call goes to the agent at once, but the detector
 *   keeps listening. A recording that only paused for breath ("Thanks for calling Acme. … We're closed …",
 *   "Leave a message." … beep) gives itself away: it starts talking again right away, over the agent, and
 *   talks on (MONOLOGUE), or it beeps (LATEBEEP). A person who answered stops when the agent speaks, and
 *   replies later. The late verdict comes as `decision.late` (and `onLate`); then the detector listens for
 *   the beep like after a MACHINE decision.
 * Every step that matters is written to trace.notes.
 */
import { analyseTone, BeepTracker, DEFAULT_BEEP, type BeepOptions } from './beep.js';
import { frameEnergy, frameMs } from './energy.js';
import defaultModelJson from './amd-model.json' with { type: 'json' };
import { describeOpinion, openerFeatures, scoreModel, type AmdModel, type OpenerState } from './model.js';
import { isVoice, NoiseFloor, type NoiseFloorOptions } from './noise-floor.js';
import { TalkTracker } from './talk.js';
import type { AmdBeepEvent, AmdDecision, AmdDetector, AmdDetectorOptions, AmdLateVerdict, AmdParams, AmdStatus, AmdTrace } from './types.js';

/** The trace keeps at most this many frame energies (60 s): a long watch or beep wait stays compact. */
const MAX_TRACE_FRAMES = 3000;
/** Digital silence before the line opens that does not count as analysis time (ms). */
const MAX_LEAD_ZEROS_MS = 1000;

/** Tuning that is not an app_amd parameter. Exported for the tests and for tuning against the corpus. */
export interface CentralitaTuning {
  /** An opener longer than this (first voice to last voice, ms) needs a longer pause to be HUMAN... */
  shortOpenerMs: number;
  /** ...this much longer per second of opener beyond shortOpenerMs. */
  extraSilencePerSecond: number;
  /** Cap on the required pause. */
  maxRequiredSilenceMs: number;
  /** Voiced ms needed for the opener to count as talk (clicks and breaths do not open a greeting). */
  minOpenerVoiceMs: number;
  /** Share of voiced frames in the talk span needed for LONGGREETING (filters out a noisy, silent line). */
  minTalkDensity: number;
  /** The least energy that can be voice, as a share of silenceThreshold (256 × 3/32 = 24). */
  minVoiceShare: number;
  /** A frame is the callee's voice only above this share of the callee's level (the decaying loudest voice). */
  foregroundShare: number;
  /** Async watch: talk that starts within this long after the HUMAN decision (no room left for the agent)... */
  resumeMs: number;
  /**
   * ...or within this long after the opener's last voice: a recording's pause between its first phrase and the rest
   * is up to ~1.5 s, while a person who answered waits for the caller longer before saying more (tuning split:
   * 1 500 pulled back 4 more of 292 machines and no person; 1 800 cost 8 people)...
   */
  resumeGapMs: number;
  /** ...and goes on for this long (first voice to last, pauses shorter than monologuePauseMs inside)... */
  monologueMs: number;
  /** ...is a recording's: a late MACHINE. */
  monologuePauseMs: number;
  /** Voiced share of a monologue's span needed (the level gate below leaves fewer voiced frames than LONGGREETING's). */
  monologueDensity: number;
  /**
   * The voiced share a monologue needs when its talk began within resumeMs of the decision — the recording went on
   * right over the moment the agent would speak (0 = monologueDensity). A sparse IVR ("For sales, press one. …")
   * said across a noisy line keeps 0.28–0.29 of its span voiced; a reply that waited for the agent does not start
   * there.
   */
  quickMonologueDensity: number;
  /**
   * Prompts: this many phrases after the decision (0 = off), each starting within resumeGapMs of the one before,
   * reaching chainSpanMs after the decision — an IVR or a greeting read out in short sentences: it goes on at its
   * own pace, each pause too short for a caller's turn, whereas a person waits for the agent before speaking again.
   */
  chainPhrases: number;
  chainSpanMs: number;
  /**
   * Round 8, a prompt resume. When the watch's first talk starts within this long of the HUMAN decision (0 = off) —
   * the pause only just reached the required silence and the callee goes on at once, the way a recording's breath
   * ends, where a person who answered is waiting for the caller — the watch needs less for the rest of its talk window:
   * a MONOLOGUE of promptMonologueMs instead of monologueMs, PROMPTS of promptChainPhrases phrases instead of
   * chainPhrases. Tuning split (machines 279 → 281, people 295 → 295): 150–200 ms give the same two files (a greeting
   * that went on for 2.7 s after a 454 ms breath and stopped, no beep; an IVR with three prompts after its welcome),
   * at promptMonologueMs 2 000–2 600 alike; 300 ms took a third, but a person's reply that the babble behind them
   * joined to the decision started 280 ms after it on the slin16 path (400 ms on µ-law) and ran 2.6 s: too close.
   */
  promptResumeMs: number;
  promptMonologueMs: number;
  promptChainPhrases: number;
  /**
   * The watch's talk rules (MONOLOGUE, PROMPTS) hold for this long after the decision; the rest of lateWatchMs (20 s)
   * only listens for a beep (0 = the talk rules for the whole watch). Tuning split: a 15–20 s watch with the talk rules
   * on throughout took a beep 11.6 s after the decision and cost a person with a TV behind them (a MONOLOGUE 12 s in);
   * beeps alone after 10 s took the beep and cost no one.
   */
  talkWatchMs: number;
  /**
   * Round 9. A tone heard in the async watch (after a HUMAN verdict) is a LATEBEEP only when the lateBeepQuietMs after
   * it hold no sound (0 = at once, as before): a voicemail beep is followed by the recorder's silence, waiting for the
   * caller's message; a vowel a synthetic voice held flat inside a person's reply (tuning split, human-en-0276: two of
   * them made a "beep-beep") is followed by the rest of the reply. Tuning: +1 person, no machine; 200–500 ms alike.
   */
  lateBeepQuietMs: number;
  /**
   * Sound: frames that are not a tone (the next tone of a beep sequence is no sound) at or above this share of the
   * tone's level... The line's noise floor is no measure here: babble behind a beep stands well over it and under
   * the beep. In 60 ms runs, the tuning split's machines reach 0.38 of their beep's level after it, the person 0.81;
   * 0.4–0.8 give the same files.
   */
  lateBeepQuietShare: number;
  /**
   * ...for at least this long in a row (ms): the partial frames at the edges of a beep sequence's next tones (not tonal
   * themselves, 0.49–0.68 of the beep's level on the tuning split) are single frames; a reply goes on. 40 ms the same,
   * 100 ms lost the person (the reply's dips between syllables).
   */
  lateBeepSoundMs: number;
  /** The beep test (beep.ts): durations, frequencies, purity. */
  beep: BeepOptions;
  /**
   * Round 7. An opener whose loudest frame stands less than this far above the line's noise floor (dB) is not taken
   * for a person's answer (0 = off): the rules listen on, the opener forgotten, and when nothing louder has been said
   * by initialSilence the line is a MACHINE (`FAINT-…`). A person speaking into the phone stands well above the line;
   * with nobody on it (dead air over babble or a TV, on-hold music) the "opener" is the line's own loudest moments.
   * Tuning split, at the rules' HUMAN decisions: the dead air and music-only files missed stood 8.2–10.4 dB over the
   * floor; people decided that low were all decided on the line's noise before they spoke (late answers).
   */
  faintOpenerDb: number;
  /**
   * In the watch, talk counts only above this share of the callee's level at the decision: a recording goes on as
   * loud as it answered; a TV, music or a room behind a person who stopped talking is quieter. Tuning split: 0.3
   * kept 4 more people of 306 (TV, babble, music behind them read as a MONOLOGUE) for 3 of 292 machines; without
   * it a TV behind a person also chained into PROMPTS.
   */
  watchLevelShare: number;
  /**
   * The second opinion (model.ts) at a HUMAN decision: at or above its threshold the HUMAN becomes MACHINE
   * (`MODEL-…`); below, its opinion is only noted in the trace. null: no model.
   */
  model: AmdModel | null;
  /** The lab's hook (amd:train): the feature vector at each HUMAN decision, before the model is asked. */
  onFeatures?: (features: number[], state: OpenerState & { decisionMs: number }) => void;
}

/** The committed model (amd-model.json, written by `npm run amd:train`). */
export const DEFAULT_MODEL: AmdModel = defaultModelJson as AmdModel;

/** Voice starts at 3× the noise floor (≈ +10 dB) and continues down to 2× (hysteresis). */
const ON_RATIO = 3;
const OFF_RATIO = 2;
/** The callee's level decays by half in 3 s (per 20 ms frame), so a loud first word does not mute the rest. */
const LEVEL_DECAY = Math.pow(0.5, 20 / 3000);

export const DEFAULT_TUNING: CentralitaTuning = {
  shortOpenerMs: 900,
  extraSilencePerSecond: 250,
  maxRequiredSilenceMs: 1200,
  minOpenerVoiceMs: 80,
  minTalkDensity: 0.3,
  minVoiceShare: 3 / 32,
  foregroundShare: 1 / 10,
  resumeMs: 700,
  resumeGapMs: 1500,
  monologueMs: 3000,
  monologuePauseMs: 900,
  monologueDensity: 0.3,
  quickMonologueDensity: 0.25,
  chainPhrases: 4,
  chainSpanMs: 3000,
  promptResumeMs: 200,
  promptMonologueMs: 2500,
  promptChainPhrases: 3,
  talkWatchMs: 10000,
  lateBeepQuietMs: 300,
  lateBeepQuietShare: 0.6,
  lateBeepSoundMs: 60,
  beep: DEFAULT_BEEP,
  watchLevelShare: 0.3,
  faintOpenerDb: 10.5,
  model: DEFAULT_MODEL,
};

export function createCentralitaDetector(
  params: AmdParams,
  options: AmdDetectorOptions = {},
  tuning: CentralitaTuning = DEFAULT_TUNING,
): AmdDetector {
  const { initialSilence, greeting, afterGreetingSilence, totalAnalysisTime, minimumWordLength, betweenWordsSilence, maximumWordLength } = params;
  const beepListenMs = params.beepListenMs ?? 0;
  const lateWatchMs = params.lateWatchMs ?? 0;
  // The least energy that can ever be voice (24 by default): over a clean line the adaptive threshold would
  // otherwise sink to a few units and take breaths and hiss for talk. Low, so that a quiet line (−10 dB) is
  // still heard: the floor and the callee's level do the rest.
  const minVoiceEnergy = Math.max(8, params.silenceThreshold * tuning.minVoiceShare);
  const floorOpts: NoiseFloorOptions = { minVoiceEnergy, onRatio: ON_RATIO, offRatio: OFF_RATIO };
  const floor = new NoiseFloor(floorOpts);
  const beeps = new BeepTracker(tuning.beep);

  const trace: AmdTrace = { frameEnergy: [], words: [], notes: [], decisionFrame: -1, params: { ...params } };
  let talk = new TalkTracker(minimumWordLength, betweenWordsSilence);
  let t = 0; // ms of audio so far
  /** ms of digital silence before the line opened (up to MAX_LEAD_ZEROS_MS): not analysis time. */
  let leadZerosMs = 0;
  let opened = false;
  let decision: AmdDecision | null = null;
  let listeningUntil = 0;
  let beep: AmdBeepEvent | null = null;
  let floorNoted = false;
  /** The callee's level: the loudest voiced frame, decaying. */
  let level = 0;
  /** The async watch after a HUMAN / NOTSURE decision: talk bookkeeping from the decision on. */
  /** `lastEnd`: the end of the opener, then of each phrase said in the watch; `phrases`: those phrases. */
  let watch: { talk: TalkTracker; from: number; lastEnd: number; phrases: number; level: number; armed: boolean; prompt: boolean } | null = null;
  /** Round 9: a tone heard in the watch, waiting for lateBeepQuietMs of quiet after it before it is a LATEBEEP. */
  let pendingBeep: { event: AmdBeepEvent; until: number; level: number; loudest: number; recent: number[] } | null = null;
  let lastEnergy = 0;
  /** Frames before this one held only faint openers (faintOpenerDb), forgotten: a re-read of the opener starts here. */
  let faintUntilFrame = 0;
  /** The loudest of those forgotten openers over the floor (dB), or null when none was. */
  let faintDb: number | null = null;

  /** ms of analysis: the audio since the line opened (leading digital silence up to a second left out). */
  const analysed = () => t - leadZerosMs;

  function requiredSilence(openerMs: number): number {
    const extra = Math.max(0, openerMs - tuning.shortOpenerMs) * (tuning.extraSilencePerSecond / 1000);
    return Math.min(tuning.maxRequiredSilenceMs, Math.round(afterGreetingSilence + extra));
  }

  function decide(status: AmdStatus, cause: string, note: string): AmdDecision {
    trace.notes.push(`${t} ms: ${note}`);
    trace.decisionFrame = trace.frameEnergy.length - 1;
    trace.words = talk.words;
    decision = { status, cause, decisionMs: t, trace };
    if (beep) decision.beepAtMs = beep.beepAtMs;
    listeningUntil = status === 'MACHINE' && !beep ? t + beepListenMs : t;
    if ((status === 'HUMAN' || status === 'NOTSURE') && lateWatchMs > 0) {
      listeningUntil = t + lateWatchMs;
      watch = { talk: new TalkTracker(minimumWordLength, betweenWordsSilence), from: t, lastEnd: talk.lastVoiceEnd, phrases: 0, level, armed: true, prompt: false };
      trace.notes.push(`${t} ms: watching ${lateWatchMs} ms more for a beep or a monologue`);
    }
    return decision;
  }

  /** The async watch turns the call into a late MACHINE; then it listens for the beep (to drop a message). */
  function decideLate(cause: string, note: string): AmdDecision {
    trace.notes.push(`${t} ms: late MACHINE: ${note}`);
    trace.lateFrame = trace.frameEnergy.length - 1;
    const late: AmdLateVerdict = { status: 'MACHINE', cause, decisionMs: t };
    decision = { ...decision!, late };
    if (beep) decision.beepAtMs = beep.beepAtMs;
    watch = null;
    listeningUntil = beep ? t : t + beepListenMs;
    options.onLate?.(late);
    return decision;
  }

  /**
   * One frame of the async watch: a beep; talk that starts right after the decision — where the agent is
   * speaking — and leaves no pause for the agent (MONOLOGUE); or phrase after phrase, each within resumeGapMs of
   * the last, never leaving the agent a turn (PROMPTS). Talk that starts later is a person's reply: only a beep
   * counts from then on.
   */
  function watchFrame(w: NonNullable<typeof watch>, voiced: boolean, samples: Int16Array, heard: AmdBeepEvent | null, len: number): AmdDecision {
    if (trace.frameEnergy.length < MAX_TRACE_FRAMES) trace.frameEnergy.push(lastEnergy);
    if (heard && tuning.lateBeepQuietMs > 0) {
      // The frame the tone was found in is partly tone: the quiet is timed from the next one.
      pendingBeep = { event: heard, until: t + tuning.lateBeepQuietMs, level: beeps.lastBeepEnergy, loudest: 0, recent: [] };
      listeningUntil = Math.max(listeningUntil, pendingBeep.until);
      return decision!;
    }
    if (pendingBeep) {
      const p = pendingBeep;
      // Sound: frames that are not a tone, each at least lateBeepQuietShare of the tone's level, for lateBeepSoundMs in
      // a row. `loudest` (for the trace) is the highest level such a run held, as a share of the tone's.
      p.recent.push(analyseTone(samples, tuning.beep) ? 0 : lastEnergy / Math.max(1, p.level));
      const runOf = Math.max(1, Math.round(tuning.lateBeepSoundMs / len));
      let held = p.recent.length >= runOf ? Infinity : 0;
      for (let i = Math.max(0, p.recent.length - runOf); i < p.recent.length && held > 0; i++) held = Math.min(held, p.recent[i]!);
      p.loudest = Math.max(p.loudest, held);
      if (held >= tuning.lateBeepQuietShare) {
        pendingBeep = null;
        trace.notes.push(`${t} ms: watch: tone of ${p.event.durationMs} ms at ${p.event.frequencyHz} Hz, but sound at ${p.loudest.toFixed(2)} of its level for ${tuning.lateBeepSoundMs} ms within ${tuning.lateBeepQuietMs} ms after it: not a voicemail beep (a voice, music)`);
      } else if (t >= p.until) {
        pendingBeep = null;
        onBeepHeard(p.event);
        return decideLate(`LATEBEEP-${p.event.frequencyHz}-${p.event.durationMs}`, `tone of ${p.event.durationMs} ms at ${p.event.frequencyHz} Hz after the decision, then ${tuning.lateBeepQuietMs} ms of quiet (loudest ${p.loudest.toFixed(2)} of its level): a voicemail beep`);
      } else return decision!;
    }
    if (heard) {
      onBeepHeard(heard);
      return decideLate(`LATEBEEP-${heard.frequencyHz}-${heard.durationMs}`, `tone of ${heard.durationMs} ms at ${heard.frequencyHz} Hz after the decision: a voicemail beep`);
    }
    if (w.armed && tuning.talkWatchMs > 0 && t - w.from > tuning.talkWatchMs) {
      w.armed = false;
      trace.notes.push(`${t} ms: watch: ${tuning.talkWatchMs} ms after the decision; from now on only a beep counts`);
    }
    if (beeps.inTone || !w.armed) return decision!;
    // Only talk near the level the callee answered at counts (see watchLevelShare).
    w.talk.push(voiced && lastEnergy >= w.level * tuning.watchLevelShare, t, len);
    const started = w.talk.openerStart;
    if (started < 0) {
      const sinceDecision = w.phrases === 0 ? t - w.from : Infinity;
      if (sinceDecision > tuning.resumeMs && t - w.lastEnd > tuning.resumeGapMs) {
        w.armed = false; // the callee let the agent speak
        trace.notes.push(`${t} ms: watch: no talk within ${tuning.resumeGapMs} ms of the last (${w.phrases} phrases after the decision): the callee let the agent speak`);
      }
      return decision!;
    }
    if (w.talk.silenceMs >= tuning.monologuePauseMs) {
      if (w.talk.voicedMs < tuning.minOpenerVoiceMs) {
        // A click or a blip of the TV behind (40 ms), not a phrase: like an opener, it needs minOpenerVoiceMs of
        // voice. Counted, it moved the watch's resume window on to itself and a person's reply 1.4 s later, with
        // the TV filling its pauses, read as a MONOLOGUE (tuning split).
        w.talk = new TalkTracker(minimumWordLength, betweenWordsSilence);
        return decision!;
      }
      // A pause the agent could speak in. With prompts on, the phrase is counted and the watch waits for the next.
      if (tuning.chainPhrases <= 0) {
        w.armed = false; // the callee stopped for the agent
        return decision!;
      }
      if (w.phrases === 0) w.prompt = promptStart(w, started);
      w.phrases++;
      w.lastEnd = w.talk.lastVoiceEnd;
      trace.notes.push(`${t} ms: watch: phrase ${w.phrases} from ${started} to ${w.lastEnd} ms (${w.talk.voicedMs} ms voiced)`);
      const chain = w.prompt ? Math.min(tuning.chainPhrases, tuning.promptChainPhrases) : tuning.chainPhrases;
      if (w.phrases >= chain && w.lastEnd - w.from >= tuning.chainSpanMs) {
        return decideLate(
          `PROMPTS-${w.phrases}-${w.lastEnd - w.from}`,
          `${w.phrases} phrases after the decision, each within ${tuning.resumeGapMs} ms of the one before, for ${w.lastEnd - w.from} ms${w.prompt && chain < tuning.chainPhrases ? ` (${chain} are enough: the first began within ${tuning.promptResumeMs} ms of the decision)` : ''}: a recording reading on at its own pace`,
        );
      }
      w.talk = new TalkTracker(minimumWordLength, betweenWordsSilence);
      return decision!;
    }
    const span = w.talk.openerMs;
    const quick = w.phrases === 0 && started - w.from <= tuning.resumeMs && tuning.quickMonologueDensity > 0;
    const density = quick ? Math.min(tuning.monologueDensity, tuning.quickMonologueDensity) : tuning.monologueDensity;
    const prompt = w.phrases === 0 ? promptStart(w, started) : w.prompt;
    const limit = prompt ? Math.min(tuning.monologueMs, tuning.promptMonologueMs) : tuning.monologueMs;
    if (w.talk.silenceMs === 0 && span >= limit && w.talk.voicedMs >= span * density) {
      return decideLate(
        `MONOLOGUE-${span}-${limit}`,
        `talk from ${started - w.from} ms after the decision on for ${span} ms (${w.talk.voicedMs} ms voiced, ≥ ${density} of it${quick ? `: it began within ${tuning.resumeMs} ms of the decision` : ''}) with no pause ≥ ${tuning.monologuePauseMs} ms for the agent${prompt ? `; ${limit} ms are enough: the callee talked on within ${tuning.promptResumeMs} ms of the decision` : ''}: a recording`,
      );
    }
    return decision!;
  }

  /** Round 8: the watch's first talk began within promptResumeMs of the decision. */
  function promptStart(w: NonNullable<typeof watch>, started: number): boolean {
    return tuning.promptResumeMs > 0 && started - w.from <= tuning.promptResumeMs;
  }

  function onBeepHeard(event: AmdBeepEvent): void {
    beep = event;
    trace.notes.push(`${t} ms: beep ${event.frequencyHz} Hz for ${event.durationMs} ms, ended at ${event.beepAtMs} ms`);
    options.onBeep?.(event);
  }

  /** The callee's voice: above the line's noise (the floor's decision) and not far below the callee's level. */
  function voiceOf(energy: number, floorVoiced: boolean): boolean {
    if (!floorVoiced) return false;
    if (energy > level) level = energy;
    return energy >= level * tuning.foregroundShare;
  }

  /**
   * The voice threshold has (at least) doubled under the opener: the line's noise started or grew — e.g. after the
   * digital silence sent while the media path opens — and part of what looked like talk was that noise.
   * Replays the recorded energies against today's floor. Rare (once per call at most, in practice).
   */
  function rescan(len: number): void {
    const before = talk.openerStart;
    const replay = new TalkTracker(minimumWordLength, betweenWordsSilence);
    replay.openerThreshold = Math.max(minVoiceEnergy, floor.floor * ON_RATIO);
    let was = false;
    const energies = trace.frameEnergy;
    for (let i = faintUntilFrame; i < energies.length; i++) {
      was = energies[i]! > 0 && isVoice(energies[i]!, was, floor.floor, floorOpts);
      replay.push(was && energies[i]! >= level * tuning.foregroundShare, (i + 1) * len, len);
    }
    talk = replay;
    trace.notes.push(
      `${t} ms: noise floor rose to ${Math.round(floor.floor)}; re-read the opener against it (started at ${before} ms, now ${talk.openerStart} ms)`,
    );
  }

  function pushFrame(samples: Int16Array, knownEnergy?: number): AmdDecision | null {
    if (decision && t >= listeningUntil) return decision;
    const energy = knownEnergy ?? frameEnergy(samples);
    const len = frameMs(samples);
    t += len;
    if (!opened) {
      if (energy > 0) opened = true;
      else if (leadZerosMs < MAX_LEAD_ZEROS_MS) leadZerosMs += len;
    }
    level *= LEVEL_DECAY;
    const voiced = voiceOf(energy, floor.update(energy));

    // The tone test needs loudness, not the voice decision: a long beep can outlast the noise floor's
    // memory and stop being "voice" while it is still a perfect tone.
    const heard = beep ? null : beeps.push(samples, energy, len, t, energy >= minVoiceEnergy);
    lastEnergy = energy;
    if (decision && watch) return watchFrame(watch, voiced, samples, heard, len);
    if (decision) {
      // Listening for the beep after a MACHINE decision: only the beep can change the answer.
      if (heard) {
        onBeepHeard(heard);
        decision = { ...decision, beepAtMs: heard.beepAtMs };
        listeningUntil = t;
      }
      return decision;
    }
    trace.frameEnergy.push(energy);
    // A replay from the energies cannot hear a tone: say where one was (replay.ts).
    if (heard || beeps.inTone) (trace.toneFrames ??= []).push(trace.frameEnergy.length - 1);
    if (heard) {
      onBeepHeard(heard);
      return decide('MACHINE', `BEEP-${heard.frequencyHz}-${heard.durationMs}`, `tone of ${heard.durationMs} ms at ${heard.frequencyHz} Hz: a voicemail beep`);
    }
    if (beeps.inTone) {
      // A steady tone is not talk: do not let it open or lengthen a greeting while it lasts.
      return analysed() >= totalAnalysisTime ? timeout() : null;
    }

    const threshold = Math.max(minVoiceEnergy, floor.floor * ON_RATIO);
    if (talk.push(voiced, t, len)) talk.openerThreshold = threshold;
    else if (talk.openerStart >= 0 && threshold > 2 * talk.openerThreshold) rescan(len);
    if (!floorNoted && analysed() >= 200) {
      floorNoted = true;
      trace.notes.push(`${t} ms: noise floor ${Math.round(floor.floor)} (voice above ${Math.round(threshold)})${leadZerosMs ? `; ${leadZerosMs} ms of digital silence before the line opened` : ''}`);
    }

    const talking = talk.openerStart >= 0 && talk.voicedMs >= tuning.minOpenerVoiceMs;
    if (!talking) {
      const quiet = talk.openerStart < 0 ? analysed() : talk.silenceMs;
      if (quiet >= initialSilence) {
        if (faintDb !== null) return faintMachine(faintDb, 0);
        return decide('MACHINE', `INITIALSILENCE-${quiet}-${initialSilence}`, `nothing said for ${quiet} ms (initialSilence ${initialSilence})`);
      }
    } else {
      const openerMs = talk.openerMs;
      const need = requiredSilence(openerMs);
      if (talk.silenceMs >= need) {
        const faint = faintOpener(len);
        if (faint) return faint === 'listen' ? null : faint;
        const verdict = secondOpinion();
        if (verdict) return verdict;
        return decide(
          'HUMAN',
          `HUMAN-${talk.silenceMs}-${need}`,
          `opener of ${openerMs} ms (${talk.voicedMs} ms voiced, ${talk.words.length} words) then ${talk.silenceMs} ms of silence ≥ ${need}: a person waiting for the caller`,
        );
      }
      if (talk.runMs >= maximumWordLength) {
        return decide('MACHINE', `MAXWORDLENGTH-${talk.runMs}`, `one unbroken sound of ${talk.runMs} ms ≥ maximumWordLength ${maximumWordLength}`);
      }
      // The talk span ends at the last voiced frame: the pause being timed is not talk.
      if (talk.silenceMs === 0 && openerMs >= greeting && talk.voicedMs >= openerMs * tuning.minTalkDensity) {
        return decide(
          'MACHINE',
          `LONGGREETING-${openerMs}-${greeting}`,
          `talk for ${openerMs} ms (${talk.voicedMs} ms voiced, ${talk.words.length} words) with no pause ≥ ${need} ms: a recorded greeting`,
        );
      }
    }
    return analysed() >= totalAnalysisTime ? timeout() : null;
  }

  /**
   * The rules would say HUMAN: is the opener a voice at all? Its loudest frame over today's noise floor, in dB; below
   * faintOpenerDb it is the line's own noise (babble, a TV, music with nobody close to the phone), not a person who
   * answered. Then the opener is forgotten and the rules listen on ('listen') — a late answer's real first words still
   * make an opener of their own — until initialSilence after the line opened, when the line is a MACHINE.
   * null: a real opener, the rules go on to HUMAN. Reads energies only (replay stays exact).
   */
  function faintOpener(len: number): AmdDecision | 'listen' | null {
    if (tuning.faintOpenerDb <= 0) return null;
    const e = trace.frameEnergy;
    const from = Math.max(0, Math.floor(talk.openerStart / len));
    const to = Math.min(e.length, Math.ceil(talk.lastVoiceEnd / len));
    let peak = 0;
    for (let i = from; i < to; i++) peak = Math.max(peak, e[i]!);
    const db = 20 * Math.log10(Math.max(1, peak) / Math.max(1, floor.floor));
    if (db >= tuning.faintOpenerDb) return null;
    const openerMs = talk.openerMs;
    faintDb = Math.max(faintDb ?? 0, db);
    if (analysed() >= initialSilence) return faintMachine(db, openerMs);
    trace.notes.push(`${t} ms: opener of ${openerMs} ms stands only ${db.toFixed(1)} dB over the line (< ${tuning.faintOpenerDb}): the line's noise, not a person; listening on`);
    talk = new TalkTracker(minimumWordLength, betweenWordsSilence);
    faintUntilFrame = e.length;
    return 'listen';
  }

  /** Only faint openers (faintOpener) since the line opened, for initialSilence: nobody answered. */
  function faintMachine(db: number, openerMs: number): AmdDecision {
    return decide(
      'MACHINE',
      `FAINT-${Math.round(db * 10)}-${Math.round(tuning.faintOpenerDb * 10)}`,
      `${openerMs ? `opener of ${openerMs} ms stands ${db.toFixed(1)} dB` : `the loudest opener heard stood ${db.toFixed(1)} dB`} over the line (< ${tuning.faintOpenerDb}), nothing louder for ${analysed()} ms since the line opened: nobody answered (dead air, music)`,
    );
  }

  /**
   * The rules say HUMAN: ask the model (model.ts). A MACHINE decision when it is at least as sure as its threshold,
   * else null (and its opinion noted). The features read only energies and timing, so a replay gets the same.
   */
  function secondOpinion(): AmdDecision | null {
    if (!tuning.model && !tuning.onFeatures) return null;
    const state: OpenerState = {
      frameEnergy: trace.frameEnergy,
      words: talk.words,
      openerStart: talk.openerStart,
      lastVoiceEnd: talk.lastVoiceEnd,
      voicedMs: talk.voicedMs,
      leadZerosMs,
      floor: floor.floor,
      toneFrames: trace.toneFrames?.length ?? 0,
      frameMs: 20,
    };
    const x = openerFeatures(state);
    tuning.onFeatures?.(x, { ...state, decisionMs: t });
    if (!tuning.model) return null;
    const opinion = scoreModel(tuning.model, x);
    const { threshold } = tuning.model;
    if (opinion.p >= threshold) {
      return decide(
        'MACHINE',
        `MODEL-${Math.round(opinion.p * 100)}-${Math.round(threshold * 100)}`,
        `opener of ${talk.openerMs} ms then ${talk.silenceMs} ms of silence, but the model says a recording: ${describeOpinion(opinion)} ≥ ${threshold}`,
      );
    }
    trace.notes.push(`${t} ms: model: ${describeOpinion(opinion)} < ${threshold}`);
    return null;
  }

  function timeout(): AmdDecision {
    const openerMs = talk.openerMs;
    if (talk.openerStart >= 0 && talk.voicedMs >= tuning.minOpenerVoiceMs && talk.silenceMs < requiredSilence(openerMs)) {
      // Still talking when the analysis time is up: a person who answers does not talk on for seconds
      // without once waiting for the caller; a recording does (its talk was only too choppy to reach
      // `greeting` as dense speech, e.g. on a very noisy line).
      return decide(
        'MACHINE',
        `STILLTALKING-${openerMs}-${totalAnalysisTime}`,
        `still talking at totalAnalysisTime ${totalAnalysisTime} ms (talk span ${openerMs} ms, ${talk.voicedMs} ms voiced, no pause ≥ ${requiredSilence(openerMs)} ms)`,
      );
    }
    return decide('NOTSURE', `TOOLONG-${t}`, `no decision within totalAnalysisTime ${totalAnalysisTime} ms`);
  }

  function finish(reason: 'hangup' | 'timeout'): AmdDecision {
    if (decision && watch) {
      // The audio stopped while watching: a beep still sounding at the end still counts (not one still
      // sounding when the watch's time was up); so does a tone still waiting for its quiet (round 9): the call
      // ended in it.
      const heard = pendingBeep ? pendingBeep.event : beep || t >= listeningUntil ? null : beeps.end(t);
      pendingBeep = null;
      if (heard) {
        onBeepHeard(heard);
        decideLate(`LATEBEEP-${heard.frequencyHz}-${heard.durationMs}`, `tone of ${heard.durationMs} ms at ${heard.frequencyHz} Hz after the decision: a voicemail beep`);
      }
      watch = null;
      listeningUntil = t;
      return decision;
    }
    if (decision) {
      // The audio stopped while listening: a tone still sounding at the end still counts.
      if (!beep && t < listeningUntil) {
        const heard = beeps.end(t);
        if (heard) {
          onBeepHeard(heard);
          decision = { ...decision, beepAtMs: heard.beepAtMs };
        }
      }
      listeningUntil = t;
      return decision;
    }
    if (reason === 'hangup') return decide('HANGUP', `HANGUP-${t}`, `hangup after ${t} ms`);
    return decide('NOTSURE', `TOOLONG-${t}`, `audio ended after ${t} ms without a decision`);
  }

  return {
    pushFrame,
    finish,
    get wantsAudio() {
      return decision === null || t < listeningUntil;
    },
  };
}
