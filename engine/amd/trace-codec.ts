/**
 * The AMD trace as it is stored with the CallLog: one short JSON text. The energy timeline (up to 3 000 frames)
 * is the bulk; frame energies are integers 0…32 768 (mean |sample|), so they go as little-endian 16-bit words in
 * base64 — 2.7 characters a frame instead of 4–6 as JSON numbers. Everything else stays as it is (notes are the
 * explanation a reader wants). Pure; lossless for every trace a detector makes (`decodeAmdTrace(encodeAmdTrace(t))`
 * deep-equals `t`).
 */
import { z } from 'zod';
import type { AmdParams, AmdTrace } from './types.js';

/** Stored form, version 1. */
interface StoredTraceV1 {
  v: 1;
  /** frameEnergy: base64 of uint16 LE when every value fits, else the plain array. */
  e: string | number[];
  /** words as [startMs, endMs, startMs, endMs, …]. */
  w: number[];
  n: string[];
  d: number;
  l?: number;
  t?: number[];
  p?: AmdParams;
}

const storedSchema = z.object({
  v: z.literal(1),
  e: z.union([z.string(), z.array(z.number())]),
  w: z.array(z.number()),
  n: z.array(z.string()),
  d: z.number().int(),
  l: z.number().int().optional(),
  t: z.array(z.number().int()).optional(),
  // The detector's own parameters, as they were (no defaults filled in: a replay must run with exactly these).
  p: z.object({ mode: z.enum(['app_amd', 'centralita']) }).catchall(z.number()).optional(),
});

function fitsUint16(values: readonly number[]): boolean {
  for (const v of values) if (!Number.isInteger(v) || v < 0 || v > 0xffff) return false;
  return true;
}

export function encodeAmdTrace(trace: AmdTrace): string {
  let e: string | number[] = trace.frameEnergy;
  if (fitsUint16(trace.frameEnergy)) {
    const buf = Buffer.alloc(trace.frameEnergy.length * 2);
    trace.frameEnergy.forEach((v, i) => buf.writeUInt16LE(v, i * 2));
    e = buf.toString('base64');
  }
  const stored: StoredTraceV1 = {
    v: 1,
    e,
    w: trace.words.flatMap((w) => [w.startMs, w.endMs]),
    n: trace.notes,
    d: trace.decisionFrame,
    ...(trace.lateFrame !== undefined ? { l: trace.lateFrame } : {}),
    ...(trace.toneFrames !== undefined ? { t: trace.toneFrames } : {}),
    ...(trace.params !== undefined ? { p: trace.params } : {}),
  };
  return JSON.stringify(stored);
}

/** Parses a stored trace; throws on anything that is not one (a damaged row is reported, not guessed at). */
export function decodeAmdTrace(text: string): AmdTrace {
  const s = storedSchema.parse(JSON.parse(text));
  let frameEnergy: number[];
  if (typeof s.e === 'string') {
    const buf = Buffer.from(s.e, 'base64');
    if (buf.length % 2 !== 0) throw new Error('AMD trace: energy timeline of odd length');
    frameEnergy = Array.from({ length: buf.length / 2 }, (_, i) => buf.readUInt16LE(i * 2));
  } else frameEnergy = s.e;
  if (s.w.length % 2 !== 0) throw new Error('AMD trace: words of odd length');
  const words = [];
  for (let i = 0; i < s.w.length; i += 2) words.push({ startMs: s.w[i]!, endMs: s.w[i + 1]! });
  return {
    frameEnergy,
    words,
    notes: s.n,
    decisionFrame: s.d,
    ...(s.l !== undefined ? { lateFrame: s.l } : {}),
    ...(s.t !== undefined ? { toneFrames: s.t } : {}),
    ...(s.p !== undefined ? { params: s.p as unknown as AmdParams } : {}),
  };
}
