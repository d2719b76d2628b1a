/** Asterisk's res_ari: every /ari request and the events WebSocket need api_key or basic auth, else 401. */
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { startVirtualSim } from '../support/sim-harness.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
});

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (e) => (String(e).includes('Unexpected server response') ? undefined : reject(e)));
  });
}

describe('401 on bad credentials', () => {
  it('refuses REST and the events WebSocket without the right credentials', async () => {
    ({ sim } = await startVirtualSim());
    const none = await fetch(`${sim.url}/ari/channels`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: 'Authentication required' });
    expect((await fetch(`${sim.url}/ari/api-docs/resources.json?api_key=centralita:wrong`)).status).toBe(401);
    const basic = Buffer.from(`${sim.username}:${sim.password}`).toString('base64');
    expect((await fetch(`${sim.url}/ari/channels`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);

    const ws = sim.url.replace(/^http/, 'ws');
    expect(await wsStatus(`${ws}/ari/events?app=dialer&api_key=${sim.username}:nope`)).toBe(401);
    expect(await wsStatus(`${ws}/ari/events?app=dialer`, { authorization: `Basic ${basic}` })).toBe(101);
    expect(await wsStatus(`${ws}/ari/events?app=dialer&api_key=${encodeURIComponent(`${sim.username}:${sim.password}`)}`)).toBe(101);
  });
});
