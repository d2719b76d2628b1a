/**
 * Ctrl-C right after start: the agents' legs are still ringing and their bridges empty (Asterisk sends no
 * BridgeDestroyed for a bridge the app was never subscribed to). Stop must not wait for events that never come.
 * Real time on purpose: this is what an operator does to `npm start`.
 */
import { expect, it } from 'vitest';
import { connectAri } from '../../engine/ari/gateway.js';
import { systemClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { Engine } from '../../engine/shell/engine.js';
import { startSimulator } from '../../engine/sim/index.js';

it('stop right after start hangs up ringing legs, drops empty bridges and closes cleanly', async () => {
  const sim = await startSimulator({ seed: 1, mediaMode: 'realtime' });
  try {
    const gateway = await connectAri({ url: sim.url, username: sim.username, password: sim.password, app: 'centralita', clock: systemClock });
    const engine = new Engine({
      gateway,
      nodeId: 'n1',
      clock: systemClock,
      logger: silentLogger,
      amd: scriptedAmdSource({ clock: systemClock, host: '127.0.0.1', port: 9 }),
      agents: ['1001', '1002', '1003'].map((e) => ({ id: `agent-${e}`, kind: 'human' as const, endpoint: `PJSIP/${e}`, maxConcurrent: 1, wrapUpMs: 1000 })),
      campaigns: [],
    });
    await engine.start();
    await engine.stop({ timeoutMs: 20_000 });
    expect(engine.snapshot().state).toBe('stopped');
    expect(engine.snapshot().agents.every((a) => a.status === 'LOGGED_OUT' && a.legId === null)).toBe(true);
    // Nothing of ours is left on the PBX.
    const left = await fetch(`${sim.url}/ari/bridges`, { headers: { authorization: `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}` } });
    expect(((await left.json()) as Array<{ id: string }>).filter((b) => b.id.startsWith('cl-n1-'))).toEqual([]);
  } finally {
    await sim.close();
  }
}, 30_000);
