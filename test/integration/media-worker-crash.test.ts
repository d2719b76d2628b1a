/** A media worker dying mid-call: that call's decision rejects, other work goes on, a fresh worker replaces it. */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMediaPlane, type MediaPlane } from '../../engine/media/plane.js';
import { buildRtp } from '../../engine/media/rtp/parse.js';
import { testParams } from '../unit/media/support/energy-detector.js';

const HOST = '127.0.0.1';
const PORT_MIN = 44000 + Math.floor(Math.random() * 900) * 4;
let plane: MediaPlane;

beforeAll(async () => {
  plane = await createMediaPlane({
    host: HOST,
    portMin: PORT_MIN,
    portMax: PORT_MIN + 3,
    workers: 1,
    detectorModule: new URL('../unit/media/support/crashing-detector.ts', import.meta.url).href,
  });
});
afterAll(async () => {
  await plane?.close();
});

it('rejects the decisions of a dead worker and keeps serving with a new one', async () => {
  const victim = await plane.openSession({ callId: 'victim', params: testParams });
  const sock = dgram.createSocket('udp4');
  sock.bind(0, HOST);
  await once(sock, 'listening');
  // µ-law 0x80 decodes to +32124: the crashing detector's trigger.
  sock.send(buildRtp({ payloadType: 0, sequence: 1, timestamp: 160, ssrc: 9 }, new Uint8Array(160).fill(0x80)), victim.port, HOST);
  await expect(victim.decision).rejects.toMatchObject({ code: 'WORKER' });
  expect(plane.size).toBe(0);

  const next = await plane.openSession({ callId: 'after', params: testParams });
  const stats = await plane.workerStats();
  expect(stats).toHaveLength(1);
  expect(stats[0]!.sessions).toBe(1);
  const report = await next.close();
  expect(report.decision.status).toBe('HANGUP');
  sock.close();
});
