export { assertTelephonyAudio, encodeWav, parseWav, readWav } from './wav.js';
export { ULAW_SILENCE, decodeSlinBE, decodeUlaw, encodeSlinBE, encodeUlaw, linearToUlaw, ulawMagnitude, ulawToLinear } from './g711.js';
