/** `centralita node`'s configuration: what it requires, its defaults, and that a bad DATABASE_URL never shows its password. */
import { describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../../../app/node/node-config.js';
import { ConfigError } from '../../../engine/config/index.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadNodeConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadNodeConfig', () => {
  it('requires DATABASE_URL (postgres://) and NODE_ID, one line each, passwords never shown', () => {
    const p = problems({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(p.find((l) => l.startsWith('DATABASE_URL:'))).toMatch(/postgres/);
    expect(p.find((l) => l.startsWith('NODE_ID:'))).toMatch(/required/);
    expect(p.join('\n')).not.toContain('hunter2');
    expect(problems({ DATABASE_URL: 'postgres://u:p@h/db', NODE_ID: 'node 2' }).find((l) => l.startsWith('NODE_ID:'))).toBeDefined();
    expect(problems({ DATABASE_URL: 'postgres://u:p@h/db', NODE_ID: 'n2', NODE_TTL_MS: '1000' }).find((l) => l.startsWith('NODE_TTL_MS:'))).toMatch(/twice/);
  });

  it('defaults: a free health port, 1 s heartbeat, 5 s TTL, 1 s campaign poll, 60 s lease; NODE_ID is the engine node id', () => {
    const c = loadNodeConfig({ DATABASE_URL: 'postgres://u:p@h/db', NODE_ID: 'node-2' });
    expect(c).toMatchObject({ nodeId: 'node-2', healthPort: 0, heartbeatMs: 1000, ttlMs: 5000, campaignPollMs: 1000, leaseMs: 60_000 });
    expect(c.base.NODE_ID).toBe('node-2');
    expect(c).toMatchObject({ redisUrl: null, clusterPrefix: 'centralita' });
  });

  it('REDIS_URL and CLUSTER_PREFIX: Redis optional, the prefix checked', () => {
    const c = loadNodeConfig({ DATABASE_URL: 'postgres://u:p@h/db', NODE_ID: 'n2', REDIS_URL: 'redis://127.0.0.1:6379', CLUSTER_PREFIX: 'center-2' });
    expect(c).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', clusterPrefix: 'center-2' });
    expect(problems({ DATABASE_URL: 'postgres://u:p@h/db', NODE_ID: 'n2', CLUSTER_PREFIX: 'a b' }).find((l) => l.startsWith('CLUSTER_PREFIX:'))).toMatch(/only letters/);
    expect(problems({ DATABASE_URL: 'postgres://u:p@h/db', NODE_ID: 'n2', REDIS_URL: 'http://x' }).find((l) => l.startsWith('REDIS_URL'))).toBeDefined();
  });

  it('NODE_PUBLIC_URL: where API processes fetch its recordings; http(s), no credentials, query or fragment; unset → null (the health server\'s address)', () => {
    const env = { DATABASE_URL: 'postgres://u:p@h/db', NODE_ID: 'n2' };
    expect(loadNodeConfig(env).publicUrl).toBeNull();
    expect(loadNodeConfig({ ...env, NODE_PUBLIC_URL: '' }).publicUrl).toBeNull();
    expect(loadNodeConfig({ ...env, NODE_PUBLIC_URL: 'http://10.0.0.12:8081/' }).publicUrl).toBe('http://10.0.0.12:8081');
    expect(loadNodeConfig({ ...env, NODE_PUBLIC_URL: 'https://nodes.example/n2' }).publicUrl).toBe('https://nodes.example/n2');
    const line = (v: string) => problems({ ...env, NODE_PUBLIC_URL: v }).find((l) => l.startsWith('NODE_PUBLIC_URL:'));
    expect(line('10.0.0.12:8081')).toMatch(/must be a URL such as/);
    expect(line('node-2:8081')).toMatch(/http:\/\/ or https:\/\//);
    expect(line('not a url')).toMatch(/must be a URL such as http:\/\/10\.0\.0\.12:8081/);
    expect(line('ftp://h/')).toMatch(/http:\/\/ or https:\/\//);
    expect(line('http://h:8081/?a=1')).toMatch(/no query/);
    const creds = line('http://user:s3cret@h:8081');
    expect(creds).toMatch(/must not carry credentials/);
    expect(creds).not.toContain('s3cret');
  });
});
