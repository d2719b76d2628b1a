/**
 * engine/cluster agent-commands.ts on the real Redis (a prefix of this run's own), with the node's side given a
 * handler of the test's: every answer a node can give reaches the asker as the API's control words it
 * (app/pg/remote-agents.ts → ControlError), a malformed request is dropped without an answer or a crash, a handler
 * that throws is a no-answer naming why, and nobody listening is known at once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteAgentCommand } from '../../app/pg/remote-agents.js';
import {
  agentCommandAsker,
  agentCommandChannel,
  clusterRedisClient,
  serveAgentCommands,
  type AgentCommandAnswer,
  type AgentCommandAsker,
  type AgentCommandHandler,
  type AgentCommandService,
  type RedisClient,
} from '../../engine/cluster/index.js';
import { ControlError, type AgentLiveState } from '../../engine/control/index.js';
import { silentLogger } from '../../engine/log/logger.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-agent-cmd-${process.pid}-${randomBytes(3).toString('hex')}`;

let redis: RedisClient;
let asker: AgentCommandAsker;
let service: AgentCommandService;
const seen: Array<{ agentId: string; verb: string; reason?: string }> = [];
let handle: AgentCommandHandler = () => ({ result: 'unknown-agent', reason: 'none' });

const live = (status: AgentLiveState['status'], pauseReason: string | null = null): AgentLiveState => ({
  id: 'ag-1',
  kind: 'human',
  status,
  pauseReason,
  legUp: true,
  calls: [],
  since: 1,
  wrapUpMs: 5000,
});

beforeAll(async () => {
  redis = clusterRedisClient(REDIS_URL);
  await redis.connect();
  service = await serveAgentCommands(
    redis,
    'node-x',
    (cmd) => {
      seen.push(cmd);
      return handle(cmd);
    },
    { prefix: PREFIX, logger: silentLogger },
  );
  asker = await agentCommandAsker(redis, { prefix: PREFIX, from: 'api-test', timeoutMs: 800, logger: silentLogger });
});

afterAll(async () => {
  await asker?.close();
  await service?.close();
  redis?.destroy();
});

const refusedWith = async (p: Promise<unknown>): Promise<ControlError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ControlError);
  return err as ControlError;
};

describe('agent commands over Redis', () => {
  it('carries the verb, the reason and the state after it; refusals become 404 / 409; a throw and silence become 503', async () => {
    handle = ({ verb, reason }): AgentCommandAnswer => ({ result: 'done', state: live(verb === 'pause' ? 'PAUSED' : 'READY', reason ?? null) });
    expect(await asker.ask('node-x', 'ag-1', 'pause', 'coffee')).toEqual({ outcome: 'done', node: 'node-x', state: live('PAUSED', 'coffee') });
    expect(seen.at(-1)).toEqual({ agentId: 'ag-1', verb: 'pause', reason: 'coffee' });
    expect(await remoteAgentCommand(asker, 'node-a', 'node-x', 'ag-1', 'ready')).toEqual(live('READY'));

    handle = () => ({ result: 'unknown-agent', reason: 'agent ag-1 is not known to the engine of node node-x' });
    const unknown = await refusedWith(remoteAgentCommand(asker, 'node-a', 'node-x', 'ag-1', 'logout'));
    expect([unknown.code, unknown.message]).toEqual(['not_found', 'agent ag-1 is not known to the engine of node node-x']);

    handle = () => ({ result: 'not-this-node', reason: 'agent ag-1 now belongs to node node-y, not node-x' });
    expect((await refusedWith(remoteAgentCommand(asker, 'node-a', 'node-x', 'ag-1', 'login'))).code).toBe('conflict');

    handle = () => {
      throw new Error('the engine of node node-x is still starting');
    };
    const failed = await refusedWith(remoteAgentCommand(asker, 'node-a', 'node-x', 'ag-1', 'login'));
    expect(failed.code).toBe('unreachable');
    expect(failed.message).toMatch(/node node-x could not apply it: the engine of node node-x is still starting/);

    // A handler that never answers: the bound, then 503 naming it.
    handle = () => new Promise<AgentCommandAnswer>(() => {});
    const t = Date.now();
    const slow = await asker.ask('node-x', 'ag-1', 'state');
    expect(slow).toEqual({ outcome: 'no-answer', node: 'node-x', reason: 'node node-x did not answer within 800 ms' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(790);

    // Nobody listens on node-z's channel: known at once.
    const t2 = Date.now();
    const nobody = await refusedWith(remoteAgentCommand(asker, 'node-a', 'node-z', 'ag-1', 'ready'));
    expect(nobody.code).toBe('unreachable');
    expect(nobody.message).toMatch(/node node-z is not listening/);
    expect(Date.now() - t2).toBeLessThan(800);

    // Without the asker (no REDIS_URL): 503 engine_unavailable naming the owner, as before.
    const none = await refusedWith(remoteAgentCommand(undefined, 'node-a', 'node-x', 'ag-1', 'ready'));
    expect(none.code).toBe('unavailable');
    expect(none.message).toMatch(/belongs to node node-x/);
  });

  it('drops malformed requests and requests that would reply outside the center’s reply channels, and keeps serving', async () => {
    const before = seen.length;
    const channel = agentCommandChannel('node-x', PREFIX);
    const valid = { id: 'r1', agentId: 'ag-1', verb: 'ready', node: 'node-x', replyTo: `${PREFIX}:agent-command-reply:abc`, at: 1, from: 'evil' };
    await redis.publish(channel, 'not json');
    await redis.publish(channel, JSON.stringify({ ...valid, verb: 'delete' }));
    await redis.publish(channel, JSON.stringify({ ...valid, node: 'node-y' }));
    await redis.publish(channel, JSON.stringify({ ...valid, replyTo: 'elsewhere:channel' }));
    handle = () => ({ result: 'done', state: live('READY') });
    // Answered in order after the four above: none of them reached the handler.
    expect(await asker.ask('node-x', 'ag-1', 'ready')).toMatchObject({ outcome: 'done' });
    expect(seen.slice(before)).toEqual([{ agentId: 'ag-1', verb: 'ready' }]);
  });
});
