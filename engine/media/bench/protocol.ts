/** Messages between the bench (parent) and its RTP sender (child process). */
export type ToSender =
  | {
      t: 'stream';
      /** Destination ports on `host`, one real-time stream each. */
      ports: number[];
      host: string;
      /** Epoch ms of the first stream's first frame. */
      startAt: number;
      /** Stream i starts at startAt + streamOffsetMs(i, n, spreadMs): calls do not all answer in one tick. */
      spreadMs: number;
      /** Each stream's own length. */
      durationMs: number;
    }
  | { t: 'blast'; ports: number[]; host: string; durationMs: number }
  | { t: 'exit' };

export type FromSender =
  | { t: 'ready' }
  | {
      t: 'streamDone';
      sent: number;
      /** Frames per stream (every stream sends the same number). */
      framesPerStream: number;
      /** Frames sent more than 20 ms after their due time, and the worst lateness: the sender's own lag. */
      lateFrames: number;
      maxLagMs: number;
      /**
       * sentAtRel[t] = when (ms after startAt) the frames due at ms t were actually sent. Lets the parent time
       * decisions from the real send of the deciding frame, so a starved sender is not blamed on the plane.
       */
      sentAtRel: number[];
      cpuMs: number;
      wallMs: number;
    }
  | { t: 'blastDone'; sent: number; wallMs: number; cpuMs: number };

/** Integer ms offset of stream i among n, spread evenly over `spreadMs` (the parent computes the same). */
export function streamOffsetMs(i: number, n: number, spreadMs: number): number {
  return n <= 1 ? 0 : Math.floor((i * spreadMs) / n);
}

export const FRAME_MS = 20;
