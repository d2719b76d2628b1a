/**
 * One test, two PBXs: the embedded simulator and the real Asterisk 22.10.1. A `PbxTarget` gives what a test
 * needs to dial the same kinds of callees on either — ARI credentials, the dial-string template for leads,
 * agent phone endpoints, number ranges — so that `describe.each(PBX_KINDS)` runs a scenario on both and the
 * simulator is kept honest by Asterisk itself.
 *
 * Number ranges are the simulator's (engine/sim/README.md); on Asterisk the test dialplan's [callees]
 * context answers the same ranges (test/fixtures/asterisk-dialplan/extensions_test.conf).
 */
import { startSimulator, testNumber, type Simulator, type SimulatorOptions } from '../../engine/sim/index.js';
import { startRealAsterisk, TEST_SOUND_NAMES, type RealAsterisk } from './real-asterisk.js';

export type PbxKind = 'sim' | 'asterisk';
export const PBX_KINDS: PbxKind[] = ['sim', 'asterisk'];

/** E.164 test numbers by callee kind (+1 555 01X nnnn). */
export const callee = {
  briefHuman: (n = 1) => testNumber('brief-human', n),
  human: (n = 1) => testNumber('human', n),
  machine: (n = 1) => testNumber('machine', n),
  noAnswer: (n = 1) => testNumber('no-answer', n),
  busy: (n = 1) => testNumber('busy', n),
  congestion: (n = 1) => testNumber('congestion', n),
  hangupDuringAmd: (n = 1) => testNumber('hangup-during-amd', n),
  silence: (n = 1) => testNumber('silence', n),
} as const;

export interface PbxTarget {
  kind: PbxKind;
  url: string;
  username: string;
  password: string;
  /** Stasis app the target expects (Asterisk's credentials and dialplan are made for it). */
  app: string;
  /** A campaign's dial-string template that reaches the number ranges above. */
  dialTemplate: string;
  /** The endpoint to originate for an agent phone that answers at once and stays up. */
  agentEndpoint(ext: string): string;
  /** The endpoint that dials one E.164 number (the rendered dial template). */
  calleeEndpoint(e164: string): string;
  /**
   * Asterisk stops (every channel and bridge gone, connections refused) and starts again on the same port: a new
   * boot. On the embedded PBX, `sim.stop()` / `sim.start()` do the same.
   */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** What the PBX has now, by id (plain ARI GET, not through the engine's gateway). */
  list(): Promise<{ channels: string[]; bridges: Array<{ id: string; channels: string[] }> }>;
  /** Set for kind 'asterisk'. */
  asterisk?: RealAsterisk;
  /** Set for kind 'sim'. */
  sim?: Simulator;
  close(): Promise<void>;
}

export interface PbxTargetOptions {
  name: string;
  app?: string;
  /** Simulator options (kind 'sim' only); the wall clock and real-time media unless told otherwise. */
  sim?: SimulatorOptions;
}

export async function startPbxTarget(kind: PbxKind, opts: PbxTargetOptions): Promise<PbxTarget> {
  const app = opts.app ?? 'centralita';
  if (kind === 'sim') {
    // The same sound files as the real Asterisk gets (a playback of any other sound fails on both).
    const sim = await startSimulator({ seed: 1, ...opts.sim, sounds: [...TEST_SOUND_NAMES, ...(opts.sim?.sounds ?? [])] });
    return {
      kind,
      url: sim.url,
      username: sim.username,
      password: sim.password,
      app,
      dialTemplate: 'PJSIP/{e164}',
      agentEndpoint: (ext) => `PJSIP/${ext}`,
      calleeEndpoint: (e164) => `PJSIP/${e164}`,
      sim,
      stop: () => sim.stop(),
      start: () => sim.start(),
      list: () => listPbx(sim.url, sim.username, sim.password),
      close: () => sim.close(),
    };
  }
  const asterisk = await startRealAsterisk({ name: opts.name, app });
  return {
    kind,
    url: asterisk.url,
    username: asterisk.username,
    password: asterisk.password,
    app,
    dialTemplate: 'Local/{digits}@callees',
    agentEndpoint: (ext) => `Local/${ext}@agent-phones`,
    calleeEndpoint: (e164) => `Local/${e164.replace(/^\+/, '')}@callees`,
    asterisk,
    stop: () => asterisk.stop(),
    start: () => asterisk.start(),
    list: () => listPbx(asterisk.url, asterisk.username, asterisk.password),
    close: () => asterisk.close(),
  };
}

async function listPbx(url: string, username: string, password: string): Promise<{ channels: string[]; bridges: Array<{ id: string; channels: string[] }> }> {
  const get = async (path: string) => {
    const res = await fetch(`${url}/ari${path}`, {
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`GET /ari${path}: HTTP ${res.status}`);
    return (await res.json()) as unknown;
  };
  const channels = (await get('/channels')) as Array<{ id: string }>;
  const bridges = (await get('/bridges')) as Array<{ id: string; channels: string[] }>;
  return { channels: channels.map((c) => c.id), bridges: bridges.map((b) => ({ id: b.id, channels: b.channels })) };
}
