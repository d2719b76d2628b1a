/**
 * The media plane: RTP from Asterisk's externalMedia into per-call AMD sessions in worker threads.
 * See README.md for the design.
 */
import type { Config } from '../config/index.js';
import type { MediaPlaneOptions } from './plane.js';

export { createMediaPlane, MediaPlaneError, type MediaPlane, type MediaPlaneOptions } from './plane.js';
export type * from './types.js';
export { DEFAULT_PAYLOAD_TYPE } from './types.js';
// slin16 → 8 kHz, as the media plane does it (the AMD lab trains on that path too).
export { HalfBandDecimator } from './frames.js';

/** The plane's options from the validated config (RTP_HOST, RTP_PORT_MIN, RTP_PORT_MAX). */
export function mediaPlaneOptions(config: Pick<Config, 'RTP_HOST' | 'RTP_PORT_MIN' | 'RTP_PORT_MAX'>): MediaPlaneOptions {
  return { host: config.RTP_HOST, portMin: config.RTP_PORT_MIN, portMax: config.RTP_PORT_MAX };
}
