/**
 * Campaign commands over Redis pub/sub (engine/cluster, #18), on the real Redis (127.0.0.1:6379 or
 * TEST_REDIS_URL): one publish reaches every subscribed node at once; another prefix (another center) hears
 * nothing; a malformed message is logged and dropped and the next one still arrives; a handler that throws does not
 * stop the subscription.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRedisClient, publishCampaignCommand, subscribeCampaignCommands, campaignCommandChannel, type CampaignCommand, type RedisClient } from '../../engine/cluster/index.js';
import { until as untilValue } from '../support/until.js';
import { recordingLogger } from '../support/recording-logger.js';

const until = (cond: () => boolean, ms: number) => untilValue(() => (cond() ? true : undefined), ms, 20);

const URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-${process.pid}-${randomBytes(4).toString('hex')}`;
let redis: RedisClient;

beforeAll(async () => {
  redis = clusterRedisClient(URL);
  await redis.connect();
});
afterAll(async () => {
  redis.destroy();
});

describe('campaign commands over Redis', () => {
  it('one publish reaches every node; other prefixes hear nothing; bad messages and failing handlers are survived', async () => {
    const { logger, warnings, errors } = recordingLogger();
    const seen: Record<string, CampaignCommand[]> = { a: [], b: [], other: [] };
    const subA = await subscribeCampaignCommands(redis, (c) => void seen.a!.push(c), { prefix, logger });
    let failOnce = true;
    const subB = await subscribeCampaignCommands(
      redis,
      (c) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('node B could not apply it');
        }
        seen.b!.push(c);
      },
      { prefix, logger },
    );
    const subOther = await subscribeCampaignCommands(redis, (c) => void seen.other!.push(c), { prefix: `${prefix}-other`, logger });
    try {
      const delivered = await publishCampaignCommand(redis, { campaignId: 'camp-1', action: 'pause', at: 1000, from: 'api-1' }, { prefix });
      expect(delivered).toBe(2);
      await until(() => seen.a!.length === 1 && errors.length === 1, 5000);
      expect(seen.a![0]).toMatchObject({ campaignId: 'camp-1', action: 'pause', at: 1000, from: 'api-1' });
      expect(seen.a![0]!.id).toMatch(/^[0-9a-f]{16}$/);
      expect(errors[0]!.msg).toBe('campaign command handler failed');

      // Garbage on the channel (another version, a hand-typed PUBLISH): logged with the field, dropped.
      await redis.publish(campaignCommandChannel(prefix), JSON.stringify({ campaignId: 'camp-1', action: 'explode', at: 1, from: 'x', id: 'y' }));
      await redis.publish(campaignCommandChannel(prefix), 'not json');
      await publishCampaignCommand(redis, { campaignId: 'camp-1', action: 'start', at: 2000, from: 'api-1' }, { prefix });
      await until(() => seen.a!.length === 2 && seen.b!.length === 1, 5000);
      expect(seen.a!.map((c) => c.action)).toEqual(['pause', 'start']);
      expect(seen.b!.map((c) => c.action)).toEqual(['start']);
      expect(warnings.filter((w) => w.msg === 'ignored a malformed campaign command')).toHaveLength(4); // two messages × two nodes
      expect(JSON.stringify(warnings[0]!.obj)).toContain('action');
      expect(seen.other).toEqual([]);
      // A command that is not one is refused before it is sent.
      await expect(publishCampaignCommand(redis, { campaignId: '', action: 'stop', at: 1, from: 'api-1' }, { prefix })).rejects.toThrow(/campaignId/);
    } finally {
      await Promise.all([subA.close(), subB.close(), subOther.close()]);
    }
    // Closed subscriptions are gone from Redis.
    expect(await redis.publish(campaignCommandChannel(prefix), '{}')).toBe(0);
  });
});
