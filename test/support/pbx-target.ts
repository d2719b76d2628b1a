/**
 * One test, two PBXs: the embedded simulator and the real Asterisk 22.10.1. A `PbxTarget` gives what a test
 * needs to dial the same kinds of callees on either — ARI credentials, the dial-string template for leads,
 * agent phone endpoints, number ranges — so that `describe.each(PBX_KINDS)` runs a scenario on both and the
 * simulator is kept honest by Asterisk itself.
 *
 * Number ranges are the simulator's (engine/sim/README.md); on Asterisk the test dialplan's [callees]
 * context answers the same ranges (test/fixtures/asterisk-dialplan/extensions_test.conf).
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../engine/sim/index.js';
import { startRealAsterisk, TEST_SOUND_NAMES, type RealAsterisk } from './real-asterisk.js';

export type PbxKind = 'sim' | 'asterisk';
export const PBX_KINDS: PbxKind[] = ['sim', 'asterisk'];

/** E.164 test numbers by callee kind (+1 555 01X nnnn). */
export const callee = {
  human: (n = 1) => `+1555011${String(n).padStart(4, '0')}`,
  machine: (n = 1) => `+1555012${String(n).padStart(4, '0')}`,
  noAnswer: (n = 1) => `+1555013${String(n).padStart(4, '0')}`,
  busy: (n = 1) => `+1555014${String(n).padStart(4, '0')}`,
  congestion: (n = 1) => `+1555015${String(n).padStart(4, '0')}`,
  hangupDuringAmd: (n = 1) => `+1555017${String(n).padStart(4, '0')}`,
  silence: (n = 1) => `+1555018${String(n).padStart(4, '0')}`,
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
    close: () => asterisk.close(),
  };
}
