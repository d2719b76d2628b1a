/**
 * The media worker's one long-lived piscina task. The main thread runs exactly one `serve` task per worker
 * (concurrentTasksPerWorker = 1, threads = tasks), handing it a MessagePort; the task stays pending until told
 * to stop, and meanwhile owns every UDP socket of the sessions opened through that port. That pins a session
 * to the worker that holds its socket, which a plain task pool would not do. See ../README.md.
 */
import { threadId } from 'node:worker_threads';
import type { AmdDetector, AmdDetectorOptions, AmdParams } from '../../amd/index.js';
import type { FromWorker, ServeTask, ToWorker } from '../types.js';
import { WorkerSession } from './session.js';

interface DetectorModule {
  createDetector(params: AmdParams, options?: AmdDetectorOptions): AmdDetector;
}

export async function serve(task: ServeTask): Promise<{ worker: number; packets: number }> {
  const { control, worker } = task;
  const mod = (await import(task.detectorModule)) as DetectorModule;
  if (typeof mod.createDetector !== 'function') throw new Error(`${task.detectorModule} exports no createDetector()`);

  const sessions = new Map<number, WorkerSession>();
  let packets = 0;
  const countPacket = (): void => {
    packets++;
  };
  const post = (msg: FromWorker): void => control.postMessage(msg);

  // Receive batching. Node reads a readable UDP socket until EAGAIN and wakes the thread for it: with one
  // socket per call and 50 datagrams/s each, a busy worker otherwise wakes (epoll_wait, a context switch, a
  // second recvmsg that finds nothing) for almost every datagram. Instead, with enough sessions, the worker
  // sleeps `intervalMs` on an Atomics.wait at the end of each loop turn (a pending setImmediate makes the next
  // poll non-blocking), and that poll then hands over every socket that became readable meanwhile — tens of
  // datagrams per wake-up. Latency added: ≤ intervalMs. Control messages arrive on the same loop, likewise.
  const batch = task.batch && task.batch.intervalMs > 0 ? task.batch : undefined;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let pacing = false;
  let stopped = false;
  const pace = (): void => {
    if (stopped || !batch || sessions.size < batch.minSessions) {
      pacing = false;
      return;
    }
    Atomics.wait(sleeper, 0, 0, batch.intervalMs);
    setImmediate(pace);
  };
  const maybePace = (): void => {
    if (!pacing && batch && !stopped && sessions.size >= batch.minSessions) {
      pacing = true;
      setImmediate(pace);
    }
  };

  return new Promise((resolve) => {
    const onMessage = (msg: ToWorker): void => {
      switch (msg.t) {
        case 'open': {
          let detector: AmdDetector;
          try {
            // The beep that ends a voicemail greeting may come after the MACHINE decision: post it when it does.
            // The async watch's late MACHINE comes after the HUMAN decision: post it when it does.
            detector = mod.createDetector(msg.params, {
              onBeep: (event) => post({ t: 'beep', id: msg.id, event }),
              onLate: (late) => post({ t: 'late', id: msg.id, late }),
            });
          } catch (err) {
            post({ t: 'openFailed', id: msg.id, code: 'EDETECTOR', message: String(err) });
            return;
          }
          WorkerSession.open({
            callId: msg.callId,
            host: msg.host,
            port: msg.port,
            format: msg.format,
            detector,
            ...(msg.continuous ? { newDetector: () => mod.createDetector(msg.params) } : {}),
            ...(msg.captureFrames ? { captureFrames: msg.captureFrames } : {}),
            onPacket: countPacket,
            onDecision: (decision) => post({ t: 'decision', id: msg.id, decision }),
          }).then(
            (s) => {
              sessions.set(msg.id, s);
              post({ t: 'opened', id: msg.id, port: msg.port });
              maybePace();
            },
            (err: NodeJS.ErrnoException) =>
              post({ t: 'openFailed', id: msg.id, code: err.code ?? 'EBIND', message: err.message }),
          );
          return;
        }
        case 'close': {
          const s = sessions.get(msg.id);
          if (!s) return; // already closed, or its open failed: the main thread has settled it
          sessions.delete(msg.id);
          post({ t: 'closed', id: msg.id, report: s.close(msg.reason) });
          return;
        }
        case 'stats':
          post({ t: 'stats', req: msg.req, stats: { worker, threadId, sessions: sessions.size, packets } });
          return;
        case 'stop':
          stopped = true;
          for (const [id, s] of sessions) post({ t: 'closed', id, report: s.close('hangup') });
          sessions.clear();
          control.off('message', onMessage);
          control.close();
          resolve({ worker, packets });
          return;
      }
    };
    control.on('message', onMessage);
    post({ t: 'ready', worker });
  });
}
