/**
 * app/thread-channel.ts, both ends on one MessageChannel in this thread (the engine threads' port without a worker):
 * requests answered by id (values, and errors thrown again with their kind and code), status and the ready message,
 * domain events batched per turn of the loop, a failed start, abort, the protocol's own messages, and stop — what is
 * still pending then is rejected `unavailable`, and nothing more is sent.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { openThreadClient, serveThread, type ThreadMessage } from '../../../app/engine-parts.js';
import { ControlError } from '../../../engine/control/index.js';
import type { DomainEvent } from '../../../engine/events/index.js';
import { createLogger } from '../../../engine/log/index.js';

type To = { type: 'ask'; id: number; what: string } | { type: 'abort' } | { type: 'stop'; graceMs: number };
type From = ThreadMessage<{ n: number }, { name: string }> | { type: 'bye'; code: number };
type Ready = Extract<From, { type: 'ready' }>;

const logger = createLogger('silent');
const ports: MessageChannel[] = [];
afterEach(() => {
  for (const c of ports.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** A thread's end that answers `ask` from `answers` and records its notices; `start` sends ready (or failed). */
function host(answers: Record<string, () => unknown>) {
  const ch = new MessageChannel();
  ports.push(ch);
  const notices: To[] = [];
  const served = serveThread<To, From>(ch.port2, {
    answer: (m) => answers[m.what]!(),
    notice: (m) => {
      notices.push(m);
      if (m.type === 'stop') {
        served.post({ type: 'stopped' });
        ch.port2.close();
      }
    },
  });
  return { ch, served, notices };
}

const event = (callId: string) => ({ type: 'call.ended', callId }) as unknown as DomainEvent;

describe('thread channel', () => {
  it('answers requests by id, keeps the last status, batches events, passes the protocol’s own messages on, and stops', async () => {
    let release: (v: string) => void = () => {};
    const { ch, served, notices } = host({
      now: () => 42,
      later: () => new Promise((r) => (release = r)),
      refused: () => {
        throw new ControlError('not_found', 'no such campaign');
      },
      // A refusal about a field keeps it across the thread: the API answers it as that field's detail.
      conflict: () => {
        throw new ControlError('conflict', 'shares agents', { field: 'dialMode', rule: 'shared_agents', params: { campaign: 'Norte', agents: ['Ana'] } });
      },
      taken: () => Promise.reject(Object.assign(new Error('NODE_ID n1 is already running'), { code: 'NODE_ID_TAKEN' })),
    });
    const others: From[] = [];
    const opening = openThreadClient<To, { n: number }, Ready, Extract<From, { type: 'bye' }>>({ port: ch.port1, name: 'the test thread', logger, onLost: () => undefined, onOther: (m) => others.push(m) });
    served.post({ type: 'ready', name: 'n1', status: { n: 1 } });
    const c = await opening;
    expect(c.ready).toMatchObject({ name: 'n1' });
    expect(c.status()).toEqual({ n: 1 });

    const ask = (what: string) => c.request((id) => ({ type: 'ask', id, what }));
    const slow = ask('later');
    expect(await ask('now')).toBe(42);
    const refused = await ask('refused').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ControlError);
    expect(refused).toMatchObject({ code: 'not_found', message: 'no such campaign' });
    expect((refused as ControlError).problem).toBeUndefined();
    const conflict = await ask('conflict').catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ControlError);
    expect((conflict as ControlError).problem).toEqual({ field: 'dialMode', rule: 'shared_agents', params: { campaign: 'Norte', agents: ['Ana'] } });
    await expect(ask('taken')).rejects.toMatchObject({ code: 'NODE_ID_TAKEN', message: 'NODE_ID n1 is already running' });
    release('done');
    expect(await slow).toBe('done');

    // Three events in one turn of the thread's loop cross as one message, in order.
    const seen: string[] = [];
    let messages = 0;
    ch.port1.on('message', (m: From) => void (m.type === 'events' && messages++));
    c.events.on('*', (e) => seen.push((e as unknown as { callId: string }).callId));
    for (const id of ['a', 'b', 'c']) served.event(event(id));
    served.post({ type: 'status', status: { n: 2 } });
    served.post({ type: 'bye', code: 7 });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(messages).toBe(1);
    expect(c.status()).toEqual({ n: 2 });
    expect(c.statusAgeMs()).toBeLessThan(1000);
    expect(others).toEqual([{ type: 'bye', code: 7 }]);

    // Stop: the thread is told, its `stopped` awaited; a request still pending is rejected, and none is sent after.
    const pending = ask('later');
    await c.stop({ type: 'stop', graceMs: 5 });
    expect(notices).toEqual([{ type: 'stop', graceMs: 5 }]);
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    await expect(ask('now')).rejects.toMatchObject({ code: 'unavailable', message: 'the engine is not running' });
  });

  it('a start that fails rejects with the thread’s error; an abort asked while it starts is sent', async () => {
    const { ch, served, notices } = host({});
    const abort = new AbortController();
    const opening = openThreadClient<To, { n: number }, Ready>({ port: ch.port1, name: 'the test thread', logger, signal: abort.signal, onLost: () => undefined });
    abort.abort();
    await new Promise((r) => setTimeout(r, 10));
    expect(notices).toEqual([{ type: 'abort' }]);
    served.post({ type: 'failed', error: { kind: 'error', message: 'aborted', code: 'ABORT_ERR' } });
    await expect(opening).rejects.toMatchObject({ message: 'aborted', code: 'ABORT_ERR' });
  });
});
