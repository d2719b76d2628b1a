/** The systemd unit runs the product's one CLI and leaves the graceful shutdown the time it needs. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../engine/config/index.js';

const unit = readFileSync(new URL('../../../scripts/systemd/centralita.service', import.meta.url), 'utf8');
const value = (key: string): string | undefined => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];

describe('scripts/systemd/centralita.service', () => {
  it('has the three sections and starts `centralita start` with an environment file', () => {
    for (const s of ['[Unit]', '[Service]', '[Install]']) expect(unit).toContain(`\n${s}\n`);
    expect(value('ExecStart')).toMatch(/^\/usr\/bin\/node \S+\/bin\/centralita\.mjs start$/);
    expect(value('EnvironmentFile')).toBe('/etc/centralita/centralita.env');
    expect(value('Restart')).toBe('on-failure');
    expect(value('WantedBy')).toBe('multi-user.target');
  });

  it('stops with SIGTERM and waits longer than the default grace plus the clean-up', () => {
    expect(value('KillSignal')).toBe('SIGTERM');
    const grace = configSchema.parse({}).SHUTDOWN_GRACE_SECONDS;
    expect(Number(value('TimeoutStopSec'))).toBeGreaterThanOrEqual(grace + 10);
  });

  it('can write where the default data and backup folders of docs/deploy.md live', () => {
    expect(value('ReadWritePaths')?.split(' ')).toEqual(expect.arrayContaining(['/var/lib/centralita', '/var/backups/centralita']));
  });
});
