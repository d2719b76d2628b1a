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
import { startRealAsterisk, type RealAsterisk } from './real-asterisk.js';

export type PbxKind = 'sim' | 'asterisk';
export const PBX_KINDS: PbxKind[] = ['sim', 'asterisk'];

/** E.164 test numbers by callee kind (+1 555 01X nnnn). */
export const callee = {
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
    const sim = await startSimulator({ seed: 1, ...opts.sim });
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
