/**
 * `amd:eval --live`: the same files, played as calls through the embedded PBX (engine/sim) and analysed by the
 * media plane (engine/media), the way the engine hears a callee: the file is the callee's audio after answer;
 * the evaluator snoops the answered channel (spy=in), bridges the snoop with an externalMedia channel whose
 * RTP (µ-law, 20 ms) goes to a media-plane session, and reads the session's decision, beep and late verdict
 * when the callee hangs up at the end of the file. Whatever the PBX sends before the file's first sample
 * (digital silence while the bridge forms) is part of what the detector hears, as on a real Asterisk.
 * A gap between these figures and the offline ones is a bug in one of the two paths.
 *
 * The PBX is the embedded simulator by default, or a real Asterisk (live-asterisk.ts: `--asterisk` starts the
 * bundled 22.10.1, `--ari-url` uses the caller's own): the evaluator's ARI side is the same for both, only the
 * way the callee's audio reaches the PBX differs (`LivePbx`).
 */
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodeWav, readWav } from '../../audio/index.js';
import { createMediaPlane, type RtpStats } from '../../media/index.js';
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
  /**
   * Writes what the detector heard on each call (the media plane's capture, concealment frames included) as
   * `<dir>/<file>`, to compare with the file itself when a verdict differs (`--live-capture DIR`).
   */
  captureDir?: string;
  /** Where the calls go: a real Asterisk (live-asterisk.ts); the embedded simulator when absent. */
  pbx?: LivePbxFactory;
}

/**
 * A PBX the evaluator can call: ARI credentials, and the endpoint (with channel variables) that answers and
 * plays file i as the callee's audio, hanging up shortly after its end.
 */
export interface LivePbx {
  /** What the JSON says: "simulator" or "asterisk 22.10.1". */
  name: string;
  url: string;
  username: string;
  password: string;
  app: string;
  endpoint(i: number): string;
  variables?(i: number): Record<string, string>;
  /**
   * The callee channel's formats, passed to the originate (`formats=`). A real Asterisk gives a Local channel
   * originated without them every slin rate and picks slin192: the file's 8 kHz is then up-sampled to 192 kHz,
   * and codec_resample's fixed-point speex interpolator halves it (×0.5, −6 dB; engine/amd/README.md).
   */
  formats?: string;
  close(): Promise<void>;
}

/** Makes the PBX ready to play these files (absolute paths, in the order of the endpoint index). */
export type LivePbxFactory = (files: string[]) => Promise<LivePbx>;

export interface LiveReport {
  /** Which PBX carried the calls: "simulator" or "asterisk 22.10.1". */
  pbx?: string;
  /** Per mode: the live summary, and how many files got a different final verdict than offline. */
  [mode: string]: LiveModeReport | string | undefined;
}

/** One mode's live figures. */
export type LiveModeReport = { summary: ModeSummary; differentFromOffline: number; differentStatus: number; failed: number };

/** +1 999 000 nnnn: the evaluator's own number range on the embedded PBX, file n. */
const numberOf = (i: number) => `+1999000${String(i).padStart(4, '0')}`;

/** The embedded PBX: the callee answers 300 ms after ringing starts, plays the file, and hangs up 300 ms after its end. */
export const simulatorPbx: LivePbxFactory = async (files) => {
  const durations = new Map<string, number>();
  for (const f of files) durations.set(f, Math.round(((await readWav(f)).samples.length * 1000) / 8000));
  const sim = await startSimulator({ mediaMode: 'realtime', seed: 1 });
  sim.setScript(
    (_endpoint, digits) => digits.startsWith('1999000'),
    (ctx) => {
      const file = files[Number(ctx.endpoint.replace(/\D/g, '').slice(-4))]!;
      return scripts.wav(file, { answerAtMs: 300, hangupAfterMs: durations.get(file)! + 300 })(ctx);
    },
  );
  return {
    name: 'simulator',
    url: sim.url,
    username: sim.username,
    password: sim.password,
    app: 'amd-live',
    endpoint: (i) => `PJSIP/${numberOf(i)}`,
    close: () => sim.close(),
  };
};

/** The RTP trouble of a call, when there was any (a differing verdict's first suspect). */
function rtpNote(rtp: RtpStats | undefined): string {
  if (!rtp) return '';
  const bad = (['lost', 'reordered', 'duplicates', 'late', 'resyncs'] as const).filter((k) => rtp[k] > 0).map((k) => `${k} ${rtp[k]}`);
  return `; rtp ${rtp.received} packets${bad.length ? `, ${bad.join(', ')}` : ''}`;
}

export async function evaluateLive(dir: string, opts: LiveOptions): Promise<LiveReport> {
  const report: LiveReport = {};
  for (const mode of opts.modes) {
    const r = await runMode(dir, mode, opts);
    report.pbx = r.pbx;
    report[mode] = r.report;
  }
  return report;
}

async function runMode(dir: string, mode: AmdMode, opts: LiveOptions): Promise<{ pbx: string; report: LiveModeReport }> {
  const offline = new Map((opts.offline.get(mode) ?? []).map((r) => [r.file, r]));
  const files = opts.files.filter((f) => offline.has(f));
  const pbx = await (opts.pbx ?? simulatorPbx)(files.map((f) => join(dir, f)));
  const APP = pbx.app;
  const portMin = 40_000 + Math.floor(Math.random() * 1000) * 10;
  const plane = await createMediaPlane({ host: '127.0.0.1', portMin, portMax: portMin + 199, workers: 2 });
  const params = amdParamsSchema.parse({ mode });
  const auth = 'Basic ' + Buffer.from(`${pbx.username}:${pbx.password}`).toString('base64');
  const ari = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const headers: Record<string, string> = { authorization: auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${pbx.url}/ari${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  const ws = new WebSocket(`${pbx.url.replace(/^http/, 'ws')}/ari/events?app=${APP}&api_key=${encodeURIComponent(pbx.username)}:${encodeURIComponent(pbx.password)}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  // StasisStart / end of the channels the evaluator waits for, by channel id (registered before the request).
  const starts = new Map<string, () => void>();
  const ends = new Map<string, () => void>();
  ws.on('message', (data) => {
    const ev = JSON.parse(String(data)) as { type: string; channel?: { id: string } };
    if (!ev.channel) return;
    if (ev.type === 'StasisStart') starts.get(ev.channel.id)?.();
    if (ev.type === 'StasisEnd' || ev.type === 'ChannelDestroyed') ends.get(ev.channel.id)?.();
  });
  const startOf = (id: string) => new Promise<void>((r) => starts.set(id, r));
  /** Rejects after `ms`: a PBX that never sends an event must not hang the evaluation. */
  const within = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no ${what} within ${ms} ms`)), ms).unref())]);

  const results: LabelledResult[] = [];
  const rtpOf = new Map<string, RtpStats>();
  let failed = 0;
  if (opts.captureDir) mkdirSync(opts.captureDir, { recursive: true });
  const playOne = async (i: number): Promise<void> => {
    const file = files[i]!;
    const truth = offline.get(file)!.truth;
    const id = `live-${mode}-${i}`;
    const ids = [id, `${id}-snoop`, `${id}-em`];
    const answeredP = startOf(id);
    const endedP = new Promise<void>((r) => ends.set(id, r));
    let session: Awaited<ReturnType<typeof plane.openSession>> | undefined;
    try {
      const variables = pbx.variables?.(i);
      await ari('POST', `/channels?endpoint=${encodeURIComponent(pbx.endpoint(i))}&app=${APP}&channelId=${id}&timeout=30${pbx.formats ? `&formats=${encodeURIComponent(pbx.formats)}` : ''}`, variables ? { variables } : undefined);
      await within(answeredP, 60_000, `StasisStart of ${id}`);
      session = await plane.openSession({ callId: id, params, format: { codec: 'ulaw' }, ...(opts.captureDir ? { captureMs: 600_000 } : {}) });
      // As the engine does (engine/calls/reducer.ts): bridge, snoop and externalMedia requested at once, the
      // two channels joined to the bridge once both are in Stasis (a real Asterisk refuses them before).
      const snoopUp = startOf(`${id}-snoop`);
      const mediaUp = startOf(`${id}-em`);
      await Promise.all([
        ari('POST', `/bridges?type=mixing&bridgeId=${id}-b`),
        ari('POST', `/channels/${id}/snoop?spy=in&app=${APP}&snoopId=${id}-snoop`),
        ari('POST', `/channels/externalMedia?app=${APP}&external_host=${session.host}:${session.port}&format=ulaw&channelId=${id}-em`),
      ]);
      await within(Promise.all([snoopUp, mediaUp]), 20_000, `StasisStart of ${id}'s snoop and externalMedia`);
      await ari('POST', `/bridges/${id}-b/addChannel?channel=${id}-snoop,${id}-em`);
      await within(endedP, 300_000, `end of ${id}`);
      // The last packets are in flight: give the worker a moment before closing (as the engine's hangup does).
      await new Promise((r) => setTimeout(r, 100));
      const { decision, capture, rtp } = await session.close('timeout');
      session = undefined;
      if (opts.captureDir && capture) writeFileSync(join(opts.captureDir, file), encodeWav(capture));
      rtpOf.set(file, rtp);
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
      await session?.close('timeout').catch(() => {});
      await ari('DELETE', `/channels/${id}`).catch(() => {});
    } finally {
      await ari('DELETE', `/channels/${id}-em`).catch(() => {});
      await ari('DELETE', `/bridges/${id}-b`).catch(() => {});
      for (const c of ids) starts.delete(c);
      ends.delete(id);
    }
  };

  let next = 0;
  const lanes = Array.from({ length: Math.min(opts.concurrency ?? 24, files.length) }, async () => {
    while (next < files.length) await playOne(next++);
  });
  await Promise.all(lanes);
  ws.close();
  await plane.close();
  await pbx.close();

  results.sort((a, b) => a.file.localeCompare(b.file));
  // Every call's verdict, one line each, as the offline table gives every file's.
  for (const r of results) {
    opts.out.write(`live ${mode} ${r.file}: ${r.status}@${r.decisionMs}${r.lateCause ? ` late ${r.lateCause}@${r.lateMs}` : ''}${rtpNote(rtpOf.get(r.file))}\n`);
  }
  let different = 0;
  let differentStatus = 0;
  for (const r of results) {
    const o = offline.get(r.file)!;
    // Same outcome, other first verdict (e.g. NOTSURE live, HUMAN offline): counted apart, listed too.
    if (r.status !== o.status) differentStatus++;
    if (r.status !== o.status && isCorrectWithLate(r, opts.policy) === isCorrectWithLate(o, opts.policy)) {
      opts.out.write(`live status≠offline ${mode} ${r.file}: live ${r.status}@${r.decisionMs}, offline ${o.status}@${o.decisionMs} (same outcome)${rtpNote(rtpOf.get(r.file))}\n`);
    }
    if (isCorrectWithLate(r, opts.policy) !== isCorrectWithLate(o, opts.policy)) {
      different++;
      opts.out.write(
        `live≠offline ${mode} ${r.file}: live ${r.status}@${r.decisionMs}${r.lateCause ? ` late ${r.lateCause}@${r.lateMs}` : ''}, offline ${o.status}@${o.decisionMs}${o.lateCause ? ` late ${o.lateCause}@${o.lateMs}` : ''}${rtpNote(rtpOf.get(r.file))}\n`,
      );
    }
  }
  const summary = summarize(mode, results, opts.policy);
  opts.out.write(
    `live ${mode} (${pbx.name}): human ${summary.human.correctWithLate}/${summary.human.n}, machine ${summary.machine.correctWithLate}/${summary.machine.n}, ` +
      `human median ${summary.human.medianDecisionMs} ms; ${different} files end differently than offline ` +
      `(${differentStatus} with another first verdict), ${failed} failed\n`,
  );
  return { pbx: pbx.name, report: { summary, differentFromOffline: different, differentStatus, failed } };
}
