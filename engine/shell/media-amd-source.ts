/**
 * The media plane (engine/media) as the engine's AmdSource: one RTP session per answered call, decision from
 * the worker. The call reducer points the externalMedia channel at the session's host:port (external_host).
 */
import type { AmdParams } from '../amd/index.js';
import type { MediaPlane } from '../media/index.js';
import type { AmdSession, AmdSource, AmdWindow } from './ports.js';

export function mediaPlaneAmdSource(plane: MediaPlane, params: AmdParams, opts: { captureMs?: number } = {}): AmdSource {
  return {
    async open({ callId }): Promise<AmdSession> {
      const abort = new AbortController();
      const session = await plane.openSession({
        callId,
        params,
        format: { codec: 'ulaw' },
        signal: abort.signal,
        ...(opts.captureMs ? { captureMs: opts.captureMs } : {}),
      });
      let window: Promise<AmdWindow | null> | undefined;
      return {
        get window() {
          return window;
        },
        host: session.host,
        port: session.port,
        decision: session.decision,
        // The voicemail policy only needs the moment the beep ended (ms of analysed audio); null = never heard.
        beep: session.beep.then((b) => (b ? b.beepAtMs : null)),
        late: session.late,
        close() {
          // Aborting ends the session with finish('hangup') and frees its port; idempotent. The report is not
          // needed here (CallLogs take the decision); a dead worker already rejected the decision.
          abort.abort();
          window ??= session.close('hangup').then(
            (r) => (r.capture ? { samples: r.capture, sampleRate: 8000, decision: r.decision } : null),
            () => null,
          );
        },
      };
    },
  };
}
