/**
 * The media plane (engine/media) as the engine's AmdSource: one RTP session per answered call, decision from
 * the worker. The externalMedia channel is pointed at the session's host:port.
 */
import type { AmdParams } from '../amd/types.js';
import type { MediaPlane } from '../media/plane.js';
import type { AmdSession, AmdSource } from './engine-types.js';

export function mediaPlaneAmdSource(plane: MediaPlane, params: AmdParams): AmdSource {
  return {
    async open({ callId }): Promise<AmdSession> {
      const abort = new AbortController();
      const session = await plane.openSession({ callId, params, format: { codec: 'ulaw' }, signal: abort.signal });
      return {
        host: session.host,
        port: session.port,
        decision: session.decision,
        close() {
          // Aborting ends the session with finish('hangup') and frees its port; idempotent.
          abort.abort();
          void session.close('hangup').catch(() => {});
        },
      };
    },
  };
}
