/**
 * The embedded PBX: an Asterisk 22 ARI simulator (HTTP + WebSocket + RTP) for `npm start` without ARI_URL
 * and for tests. See engine/sim/README.md for the number ranges and what is (not) simulated.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { systemClock, type Clock, type TimerHandle } from '../clock/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { EventHub, type JournalEntry } from './events.js';
import { Router } from './http/router.js';
import { bridgeRoutes } from './http/routes-bridges.js';
import { channelRoutes } from './http/routes-channels.js';
import { miscRoutes } from './http/routes-misc.js';
import { createFront } from './http/server.js';
import { resetSocket, type SimRestFault } from './http/faults.js';
import { simSounds } from './sounds.js';
import type { AriBridgeJson, AriChannelJson } from './model/json.js';
import { Pbx } from './pbx.js';
import type { ScenarioRule } from './scenarios.js';
import type { Script, ScriptName } from './scripts.js';

export type { AriBridgeJson, AriChannelJson } from './model/json.js';
export type { ScenarioRule } from './scenarios.js';
export type { SimRestFault } from './http/faults.js';
export { CENTRALITA_SOUNDS, CORE_SOUNDS } from './sounds.js';
export { TEST_RANGES, testNumber, testRangeScript } from './scenarios.js';
export type { Script, ScriptName, CalleePlan } from './scripts.js';
export * as scripts from './scripts.js';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  seed?: number;
  clock?: Clock;
  mediaMode?: 'realtime' | 'accelerated';
  scenarios?: ScenarioRule[];
  logger?: Logger;
  /** Sound names besides the default ones (sounds.ts) that `sound:` playbacks find. */
  sounds?: Iterable<string>;
}

export interface Simulator {
  url: string;
  username: string;
  password: string;
  snapshot(): { channels: AriChannelJson[]; bridges: AriBridgeJson[] };
  close(): Promise<void>;
  /** Cuts every app WebSocket (as a network failure would); channels and bridges stay. */
  dropWebSockets(): void;
  /** Puts a scenario rule in front of all others (e.g. make agent 1002 busy). */
  setScript(match: ScenarioRule['match'], script: Script | ScriptName): void;
  /** Server-side order of events sent and HTTP replies written. */
  journal(): readonly JournalEntry[];
  /** RTP packets sent / received by an externalMedia channel, for tests. */
  rtpStats(channelId: string): { sent: number; received: number } | null;
  /** Media ticks so far (one per 20 ms of clock time). */
  mediaTicks(): number;
  /**
   * A phone calls into the dialplan and reaches `Stasis(app,...args)`, e.g. an agent dialling *50:
   * `dialIn({ endpoint: 'PJSIP/1001', args: ['agent-login', '1001'] })`. Returns the new channel's id.
   */
  dialIn(p: { endpoint: string; args: string[]; app?: string; context?: string; exten?: string; state?: 'Ring' | 'Up' }): string;
  /** The far end of a channel hangs up (BYE, cause 16), e.g. an agent putting the phone down. */
  hangupChannel(id: string): void;
  /** Makes ARI REST (and the events WebSocket) fail as a broken network or a sick Asterisk would (http/faults.ts). */
  failRest(fault: SimRestFault): Promise<void>;
  /** Ends the fault: the port answers again. */
  healRest(): Promise<void>;
  /**
   * The Asterisk process stops (`core stop now`): every channel is hung up (a soft hang-up request with cause 4,
   * then its end), bridges vanish, connections are cut and the port refuses new ones. `start()` brings it back on
   * the same port with a new `startup_time` (a new boot).
   */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const username = opts.username ?? 'centralita';
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const mediaMode = opts.mediaMode ?? 'realtime';
  const scenarios: ScenarioRule[] = [...(opts.scenarios ?? [])];
  const hub = new EventHub();
  const pbx = new Pbx({ clock, hub, seed: opts.seed ?? 1, scenarios, logger, rtpHost: host, sounds: simSounds(opts.sounds) });
  const knownApps = new Set<string>();
  let startedAt = clock.now();

  const router = new Router();
  channelRoutes(router, pbx);
  bridgeRoutes(router, pbx);
  miscRoutes(router, pbx, clock, () => startedAt, () => [...knownApps]);
  const front = createFront({ router, hub, logger, username, password, now: () => clock.now(), onAppConnected: (apps) => apps.forEach((a) => knownApps.add(a)) });

  // Media clock: one tick per 20 ms of clock time. Realtime catches up with the wall clock when timers
  // fire late (Node timers drift); accelerated sends exactly one frame per stream per timer firing.
  let ticksDue = 0;
  const mediaStart = clock.now();
  const timer: TimerHandle = clock.setInterval(() => {
    if (mediaMode === 'accelerated') return pbx.mediaTick();
    const due = Math.floor((clock.now() - mediaStart) / 20);
    const n = Math.min(Math.max(1, due - ticksDue), 10);
    for (let i = 0; i < n; i++) pbx.mediaTick();
    ticksDue = Math.max(ticksDue + n, due - 10);
  }, 20);

  await new Promise<void>((resolve, reject) => {
    front.server.once('error', reject);
    front.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = front.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  logger.info({ url }, 'embedded PBX (ARI simulator) listening');

  const dropWebSockets = (): void => {
    for (const sink of hub.removeAll()) void sink;
    for (const ws of front.sockets) ws.terminate();
    front.sockets.clear();
  };

  const listening = () => front.server.listening;
  const relisten = () =>
    new Promise<void>((resolve, reject) => {
      if (listening()) return resolve();
      front.server.once('error', reject);
      front.server.listen(addr.port, host, () => {
        front.server.off('error', reject);
        resolve();
      });
    });
  const failRest = async (fault: SimRestFault): Promise<void> => {
    await healRest();
    if (fault.mode === 'refuse') {
      front.server.close();
      front.server.closeAllConnections();
      for (const sock of front.connections.values()) resetSocket(sock);
      dropWebSockets();
      return;
    }
    front.faults.current = fault;
    if (!front.faults.hitsConnections) return;
    // The open event sockets are hit too: cut (reset) or silenced (hang).
    for (const [ws, sock] of front.connections) {
      if (fault.mode === 'reset') resetSocket(sock);
      else if (fault.mode === 'hang') front.faults.hang(sock);
      else ws.terminate();
    }
    if (fault.mode === 'reset') front.server.closeAllConnections();
  };
  const healRest = async (): Promise<void> => {
    front.faults.current = null;
    front.faults.releaseHung();
    await relisten();
  };

  return {
    url,
    username,
    password,
    snapshot: () => ({
      channels: [...pbx.channels.values()].map((c) => c.toJson()),
      bridges: [...pbx.bridges.values()].map((b) => b.toJson()),
    }),
    dropWebSockets,
    setScript: (match, script) => scenarios.unshift({ match, script }),
    journal: () => hub.journal,
    rtpStats: (id) => {
      const s = pbx.rtp.get(id);
      return s ? { sent: s.sent, received: s.received } : null;
    },
    mediaTicks: () => pbx.tick,
    dialIn: (p) => pbx.dialIn({ ...p, app: p.app ?? 'centralita' }).id,
    hangupChannel: (id) => pbx.hangupRemote(pbx.getChannel(id), 16),
    failRest,
    healRest,
    async stop() {
      // `core stop now`: channels are hung up (events go out) before the connections close.
      pbx.shutdown();
      await new Promise<void>((resolve) => setImmediate(resolve));
      await failRest({ mode: 'refuse' });
    },
    async start() {
      startedAt = Math.max(clock.now(), startedAt + 1);
      await healRest();
    },
    async close() {
      front.faults.releaseHung();
      clock.clearInterval(timer);
      dropWebSockets();
      pbx.close();
      await new Promise<void>((resolve) => {
        front.server.close(() => resolve());
        front.server.closeAllConnections();
      });
    },
  };
}

export type { WebSocket };
export { pacingCalleeRule, pacingIndex, pacingPhone } from './pacing-callees.js';
export type { CalleeFate, FatePlanOptions } from './pacing-callees.js';
