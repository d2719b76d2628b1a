import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../engine/config/index.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment (embedded PBX mode)', () => {
    const cfg = loadConfig({});
    expect(cfg.ARI_URL).toBeUndefined();
    expect(cfg.ARI_APP).toBe('centralita');
    expect(cfg.HTTP_PORT).toBe(8080);
    expect(cfg.RTP_PORT_MIN).toBeLessThanOrEqual(cfg.RTP_PORT_MAX);
    expect(cfg.SHUTDOWN_GRACE_SECONDS).toBe(8);
  });

  it('bounds the shutdown grace (a negative or huge grace is refused, named)', () => {
    expect(loadConfig({ SHUTDOWN_GRACE_SECONDS: '0' }).SHUTDOWN_GRACE_SECONDS).toBe(0);
    expect(() => loadConfig({ SHUTDOWN_GRACE_SECONDS: '-1' })).toThrow(/SHUTDOWN_GRACE_SECONDS: /);
    expect(() => loadConfig({ SHUTDOWN_GRACE_SECONDS: 'soon' })).toThrow(/SHUTDOWN_GRACE_SECONDS: /);
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
