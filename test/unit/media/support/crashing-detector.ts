/**
 * A detector that kills its worker thread on the first loud frame: lets the tests see what the plane does when
 * a media worker dies (its sessions fail, a fresh worker takes over). Quiet frames behave like energy-detector.
 */
import type { AmdParams } from '../../../../engine/amd/types.js';
import { createDetector as createEnergyDetector } from './energy-detector.js';

export function createDetector(params: AmdParams) {
  const inner = createEnergyDetector(params);
  return {
    pushFrame(samples: Int16Array) {
      if (samples.some((x) => Math.abs(x) > 10000)) process.exit(1);
      return inner.pushFrame(samples);
    },
    finish: inner.finish,
  };
}
