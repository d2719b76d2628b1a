/**
 * `amd:eval --live`: the same files, played as calls through the embedded PBX (engine/sim) and analysed by the
 * media plane (engine/media), the way the engine hears a callee: the file is the callee's audio after answer;
 * the evaluator snoops the answered channel (spy=in), bridges the snoop with an externalMedia channel whose
 * RTP (µ-law, 20 ms) goes to a media-plane session, and reads the session's decision, beep and late verdict
 * when the callee hangs up at the end of the file. Whatever the PBX sends before the file's first sample
 * (digital silence while the bridge forms) is part of what the detector hears, as on a real Asterisk.
 * A gap between these figures and the offline ones is a bug in one of the two paths.
 */
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { readWav } from '../../audio/index.js';
import { createMediaPlane } from '../../media/index.js';
import { scripts, startSimulator } from '../../sim/index.js';
import { amdParamsSchema, type AmdMode } from '../../amd/index.js';
import { isCorrectWithLate, summarize, type LabelledResult, type ModeSummary, type NotsurePolicy } from './summary.js';

export interface LiveOptions {
  modes: AmdMode[];
  /** File names (with their truth) to play, in order. */
  files: string[];
  offline: Map<AmdMode, LabelledResult[]>;
  policy: NotsurePolicy;
  out: NodeJS.WritableStream;
  /** Calls at once (default 24). */
  concurrency?: number;
}

export interface LiveReport {
  /** Per mode: the live summary, and how many files got a different final verdict than offline. */
  [mode: string]: { summary: ModeSummary; differentFromOffline: number; failed: number };
}

const APP = 'amd-live';
/** +1 999 000 nnnn: the evaluator's own number range on the embedded PBX, file n. */
const numberOf = (i: number) => `+1999000${String(i).padStart(4, '0')}`;

export async function evaluateLive(dir: string, opts: LiveOptions): Promise<LiveReport> {
  const report: LiveReport = {};
  for (const mode of opts.modes) report[mode] = await runMode(dir, mode, opts);
  return report;
}

async function runMode(dir: string, mode: AmdMode, opts: LiveOptions): Promise<LiveReport[string]> {
  const offline = new Map((opts.offline.get(mode) ?? []).map((r) => [r.file, r]));
  const files = opts.files.filter((f) => offline.has(f));
  const durations = new Map<string, number>();
  for (const f of files) durations.set(f, Math.round(((await readWav(join(dir, f))).samples.length * 1000) / 8000));
  const sim = await startSimulator({ mediaMode: 'realtime', seed: 1 });
  // The callee answers 300 ms after ringing starts, plays the file, and hangs up 300 ms after its end.
  sim.setScript(
    (_endpoint, digits) => digits.startsWith('1999000'),
    (ctx) => {
      const i = Number(ctx.endpoint.replace(/\D/g, '').slice(-4));
      const file = files[i]!;
      return scripts.wav(join(dir, file), { answerAtMs: 300, hangupAfterMs: durations.get(file)! + 300 })(ctx);
    },
  );
  const portMin = 40_000 + Math.floor(Math.random() * 1000) * 10;
  const plane = await createMediaPlane({ host: '127.0.0.1', portMin, portMax: portMin + 199, workers: 2 });
  const params = amdParamsSchema.parse({ mode });
  const auth = 'Basic ' + Buffer.from(`${sim.username}:${sim.password}`).toString('base64');
  const ari = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${sim.url}/ari${path}`, { method, headers: { authorization: auth } });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  const ws = new WebSocket(`${sim.url.replace(/^http/, 'ws')}/ari/events?app=${APP}&api_key=${sim.username}:${sim.password}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const waiters = new Map<string, { answered: () => void; ended: () => void }>();
  ws.on('message', (data) => {
    const ev = JSON.parse(String(data)) as { type: string; channel?: { id: string } };
    const w = ev.channel ? waiters.get(ev.channel.id) : undefined;
    if (!w) return;
    if (ev.type === 'StasisStart') w.answered();
    if (ev.type === 'StasisEnd' || ev.type === 'ChannelDestroyed') w.ended();
  });

  const results: LabelledResult[] = [];
  let failed = 0;
  const playOne = async (i: number): Promise<void> => {
    const file = files[i]!;
    const truth = offline.get(file)!.truth;
    const id = `live-${mode}-${i}`;
    let answered!: () => void;
    let ended!: () => void;
    const answeredP = new Promise<void>((r) => (answered = r));
    const endedP = new Promise<void>((r) => (ended = r));
    waiters.set(id, { answered, ended });
    try {
      await ari('POST', `/channels?endpoint=${encodeURIComponent(`PJSIP/${numberOf(i)}`)}&app=${APP}&channelId=${id}&timeout=30`);
      await answeredP;
      const session = await plane.openSession({ callId: id, params, format: { codec: 'ulaw' } });
      await ari('POST', `/channels/${id}/snoop?spy=in&app=${APP}&snoopId=${id}-snoop`);
      await ari('POST', `/channels/externalMedia?app=${APP}&external_host=${session.host}:${session.port}&format=ulaw&channelId=${id}-em`);
      await ari('POST', `/bridges?type=mixing&bridgeId=${id}-b`);
      await ari('POST', `/bridges/${id}-b/addChannel?channel=${id}-snoop,${id}-em`);
      await endedP;
      // The last packets are in flight: give the worker a moment before closing (as the engine's hangup does).
      await new Promise((r) => setTimeout(r, 100));
      const { decision } = await session.close('timeout');
      await ari('DELETE', `/channels/${id}-em`).catch(() => {});
      await ari('DELETE', `/bridges/${id}-b`).catch(() => {});
      const r: LabelledResult = { file, truth, status: decision.status, decisionMs: decision.decisionMs };
      if (decision.beepAtMs !== undefined) r.beepAtMs = decision.beepAtMs;
      if (decision.late) {
        r.lateMs = decision.late.decisionMs;
        r.lateCause = decision.late.cause;
      }
      const hasBeep = offline.get(file)!.hasBeep;
      if (hasBeep !== undefined) r.hasBeep = hasBeep;
      results.push(r);
    } catch (err) {
      failed++;
      opts.out.write(`! live ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    } finally {
      waiters.delete(id);
    }
  };

  let next = 0;
  const lanes = Array.from({ length: Math.min(opts.concurrency ?? 24, files.length) }, async () => {
    while (next < files.length) await playOne(next++);
  });
  await Promise.all(lanes);
  ws.close();
  await plane.close();
  await sim.close();

  results.sort((a, b) => a.file.localeCompare(b.file));
  let different = 0;
  for (const r of results) {
    const o = offline.get(r.file)!;
    if (isCorrectWithLate(r, opts.policy) !== isCorrectWithLate(o, opts.policy)) {
      different++;
      opts.out.write(
        `live≠offline ${mode} ${r.file}: live ${r.status}@${r.decisionMs}${r.lateCause ? ` late ${r.lateCause}@${r.lateMs}` : ''}, offline ${o.status}@${o.decisionMs}${o.lateCause ? ` late ${o.lateCause}@${o.lateMs}` : ''}\n`,
      );
    }
  }
  const summary = summarize(mode, results, opts.policy);
  opts.out.write(
    `live ${mode}: human ${summary.human.correctWithLate}/${summary.human.n}, machine ${summary.machine.correctWithLate}/${summary.machine.n}, ` +
      `human median ${summary.human.medianDecisionMs} ms; ${different} files end differently than offline, ${failed} failed\n`,
  );
  return { summary, differentFromOffline: different, failed };
}
