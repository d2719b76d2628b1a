/**
 * Mode "app_amd": a line-by-line re-implementation of Asterisk's apps/app_amd.c isAnsweringMachine() loop
 * (with dsp.c's silence detector), so that engineers can compare settings one to one with a real Asterisk.
 *
 * Every pushed frame is an AST_FRAME_VOICE frame of signed linear audio. The order of the checks, the
 * comparisons (>=, >) and the cause strings are app_amd's. Notable consequences kept on purpose:
 * - `currentState` starts as STATE_IN_WORD, so talk heard before any silence of ≥ betweenWordsSilence is not
 *   counted as a word (it still ends the initial silence and opens the greeting);
 * - MACHINE by word count happens when iWordsCount > maximumNumberOfWords (default 2 → "MAXWORDS-3-2");
 * - the silence counter is the DSP's running total of consecutive silent frames, reset by any loud frame.
 */
import { frameEnergy, frameMs } from './energy.js';
import type { AmdDecision, AmdDetector, AmdParams, AmdStatus, AmdTrace, AmdWordSegment } from './types.js';

const STATE_IN_WORD = 1;
const STATE_IN_SILENCE = 2;

export function createAppAmdDetector(params: AmdParams): AmdDetector {
  const {
    initialSilence,
    greeting,
    afterGreetingSilence,
    totalAnalysisTime,
    minimumWordLength,
    betweenWordsSilence,
    maximumNumberOfWords,
    silenceThreshold,
    maximumWordLength,
  } = params;

  // app_amd's locals.
  let inInitialSilence = 1;
  let inGreeting = 0;
  let voiceDuration = 0;
  let silenceDuration = 0;
  let iTotalTime = 0;
  let iWordsCount = 0;
  let currentState = STATE_IN_WORD;
  let consecutiveVoiceDuration = 0;
  // dsp.c's running total of consecutive silence (dsp->totalsilence).
  let dspTotalSilence = 0;

  const trace: AmdTrace = { frameEnergy: [], words: [], notes: [], decisionFrame: -1, params: { ...params } };
  let openWord: AmdWordSegment | null = null;
  let decision: AmdDecision | null = null;

  function decide(status: AmdStatus, cause: string, note: string): AmdDecision {
    trace.notes.push(note);
    trace.decisionFrame = trace.frameEnergy.length - 1;
    decision = { status, cause, decisionMs: iTotalTime, trace };
    return decision;
  }

  function pushFrame(samples: Int16Array, knownEnergy?: number): AmdDecision | null {
    if (decision) return decision;
    const energy = knownEnergy ?? frameEnergy(samples);
    trace.frameEnergy.push(energy);
    const framelength = frameMs(samples);

    iTotalTime += framelength;
    if (iTotalTime >= totalAnalysisTime) {
      return decide('NOTSURE', `TOOLONG-${iTotalTime}`, `analysis time ${iTotalTime} ms >= totalAnalysisTime ${totalAnalysisTime}`);
    }

    // ast_dsp_silence(): silent when the truncated mean |sample| is below the threshold.
    let dspsilence: number;
    if (energy < silenceThreshold) {
      dspTotalSilence += framelength;
      dspsilence = dspTotalSilence;
    } else {
      dspTotalSilence = 0;
      dspsilence = 0;
    }

    if (dspsilence > 0) {
      silenceDuration = dspsilence;
      if (silenceDuration >= betweenWordsSilence) {
        if (currentState !== STATE_IN_SILENCE) trace.notes.push(`${iTotalTime} ms: silence ${silenceDuration} ms → STATE_IN_SILENCE`);
        currentState = STATE_IN_SILENCE;
        consecutiveVoiceDuration = 0;
        openWord = null;
      }
      if (inInitialSilence === 1 && silenceDuration >= initialSilence) {
        return decide(
          'MACHINE',
          `INITIALSILENCE-${silenceDuration}-${initialSilence}`,
          `initial silence ${silenceDuration} ms >= initialSilence ${initialSilence}`,
        );
      }
      if (silenceDuration >= afterGreetingSilence && inGreeting === 1) {
        return decide(
          'HUMAN',
          `HUMAN-${silenceDuration}-${afterGreetingSilence}`,
          `silence ${silenceDuration} ms after greeting >= afterGreetingSilence ${afterGreetingSilence}`,
        );
      }
    } else {
      consecutiveVoiceDuration += framelength;
      voiceDuration += framelength;
      if (openWord) openWord.endMs = iTotalTime;

      if (consecutiveVoiceDuration >= minimumWordLength && currentState === STATE_IN_SILENCE) {
        iWordsCount++;
        currentState = STATE_IN_WORD;
        openWord = { startMs: iTotalTime - consecutiveVoiceDuration, endMs: iTotalTime };
        trace.words.push(openWord);
        trace.notes.push(`${iTotalTime} ms: word ${iWordsCount} detected`);
      }
      if (consecutiveVoiceDuration >= maximumWordLength) {
        return decide(
          'MACHINE',
          `MAXWORDLENGTH-${consecutiveVoiceDuration}`,
          `word of ${consecutiveVoiceDuration} ms >= maximumWordLength ${maximumWordLength}`,
        );
      }
      if (iWordsCount > maximumNumberOfWords) {
        return decide(
          'MACHINE',
          `MAXWORDS-${iWordsCount}-${maximumNumberOfWords}`,
          `${iWordsCount} words > maximumNumberOfWords ${maximumNumberOfWords}`,
        );
      }
      if (inGreeting === 1 && voiceDuration >= greeting) {
        return decide(
          'MACHINE',
          `LONGGREETING-${voiceDuration}-${greeting}`,
          `voice ${voiceDuration} ms in greeting >= greeting ${greeting}`,
        );
      }
      if (voiceDuration >= minimumWordLength) silenceDuration = 0;
      if (consecutiveVoiceDuration >= minimumWordLength && inGreeting === 0) {
        inInitialSilence = 0;
        inGreeting = 1;
        trace.notes.push(`${iTotalTime} ms: greeting started (${consecutiveVoiceDuration} ms of voice)`);
      }
    }
    return null;
  }

  function finish(reason: 'hangup' | 'timeout'): AmdDecision {
    if (decision) return decision;
    // app_amd: a failed ast_read() is HANGUP with an empty cause; running out of frames is TOOLONG.
    if (reason === 'hangup') return decide('HANGUP', '', `hangup after ${iTotalTime} ms`);
    return decide('NOTSURE', `TOOLONG-${iTotalTime}`, `no more audio after ${iTotalTime} ms`);
  }

  return {
    pushFrame,
    finish,
    get wantsAudio() {
      return decision === null;
    },
  };
}
