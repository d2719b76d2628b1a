import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../engine/config/index.js';
import { createLogger } from '../../../engine/log/logger.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment (embedded PBX mode)', () => {
    const cfg = loadConfig({});
    expect(cfg.ARI_URL).toBeUndefined();
    expect(cfg.ARI_APP).toBe('centralita');
    expect(cfg.HTTP_PORT).toBe(8080);
    expect(cfg.RTP_PORT_MIN).toBeLessThanOrEqual(cfg.RTP_PORT_MAX);
  });

  it('reports one clear line per bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ HTTP_PORT: 'eighty', ARI_URL: 'ftp://pbx', RTP_PORT_MIN: '5000', RTP_PORT_MAX: '4000', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.find((p) => p.startsWith('HTTP_PORT:'))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith('ARI_URL:'))).toContain('http://');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
    expect(problems.length).toBe(3);
  });

  it('requires a password with a real Asterisk and never echoes it', () => {
    expect(() => loadConfig({ ARI_URL: 'http://10.0.0.5:8088' })).toThrow(/ARI_PASSWORD: is required/);
    const cfg = loadConfig({ ARI_URL: 'http://10.0.0.5:8088', ARI_PASSWORD: 's3cret' });
    expect(cfg.ARI_URL).toBe('http://10.0.0.5:8088');
  });

  it('rejects an inverted RTP port range', () => {
    expect(() => loadConfig({ RTP_PORT_MIN: '41000', RTP_PORT_MAX: '40000' })).toThrow(/RTP_PORT_MIN: must not be greater/);
  });
});

describe('secrets in start-up errors and logs (issue #11 item 7)', () => {
  it('names a too-short JWT_SECRET and its problem without echoing it; URL credentials are masked', () => {
    const secret = 'hunter2-but-too-short';
    let error: unknown;
    try {
      loadConfig({ JWT_SECRET: secret, REDIS_URL: 'ftp://user:redis-pass@cache:6379' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/JWT_SECRET: must be at least 32 characters \(got a value of 21 characters, not shown\)/);
    expect(message).toMatch(/REDIS_URL: must start with redis:\/\//);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('redis-pass');
  });

  it('redacts secrets from log lines even when a whole config or request is logged', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    logger.info({ config: { JWT_SECRET: 'jwt-secret-value-0123456789abcdef', ADMIN_PASSWORD: 'admin-pass-value', HTTP_PORT: 8080 } }, 'config');
    logger.info({ headers: { authorization: 'Bearer abc.def.ghi', 'x-api-key': 'ck_live_key' } }, 'request');
    const text = lines.join('');
    for (const secret of ['jwt-secret-value', 'admin-pass-value', 'abc.def.ghi', 'ck_live_key']) expect(text).not.toContain(secret);
    expect(text).toContain('"HTTP_PORT":8080');
    expect(text.match(/\[redacted\]/g)).toHaveLength(4);
  });
});
