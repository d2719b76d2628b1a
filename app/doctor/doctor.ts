/**
 * `centralita doctor`: every check, in the order an engineer would fix them. ARI first (nothing else works
 * without it), then what the engine needs from Asterisk, then this host.
 */
import { recordingsDirOf, type Config } from '../../engine/config/index.js';
import { checkAri, checkClockSkew, checkModules, checkStasisApp, checkVersion } from './checks-ari.js';
import { checkDatabase, checkDisk, checkRedis } from './checks-host.js';
import { checkMedia } from './checks-media.js';
import { skip, type CheckResult } from './report.js';

export interface DoctorTarget {
  url: string;
  username: string;
  password: string;
  app: string;
}

export type DoctorConfig = Pick<Config, 'DB_PATH' | 'RECORDINGS_DIR' | 'REDIS_URL' | 'RTP_HOST' | 'RTP_PORT_MIN' | 'RTP_PORT_MAX' | 'BACKUP_DIR'>;

export async function runDoctor(target: DoctorTarget, config: DoctorConfig, onResult: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const add = (r: CheckResult) => {
    out.push(r);
    onResult(r);
  };
  const ari = await checkAri(target);
  add(ari.result);
  if (ari.info) {
    add(checkVersion(ari.info));
    add(await checkModules(target));
    add(await checkStasisApp(target, target.app));
    for (const r of await checkMedia({ ...target, app: `${target.app}-doctor`, rtpHost: config.RTP_HOST, rtpPortMin: config.RTP_PORT_MIN, rtpPortMax: config.RTP_PORT_MAX })) add(r);
    add(await checkClockSkew(target));
  } else {
    for (const [id, title] of [['version', 'Asterisk version'], ['modules', 'required modules loaded'], ['stasis-app', 'Stasis app'], ['external-media', 'externalMedia end to end'], ['rtp', 'RTP reaches the engine'], ['transmit-silence', 'transmit_silence'], ['clock', 'clock skew']] as const) {
      add(skip(id, title, 'not tested: ARI is not reachable'));
    }
  }
  add(checkDatabase(config.DB_PATH));
  add(checkDisk(recordingsDirOf(config), 'recordings'));
  if (config.BACKUP_DIR) add({ ...checkDisk(config.BACKUP_DIR, 'backups'), id: 'disk-backups' });
  add(await checkRedis(config.REDIS_URL));
  return out;
}

/** The last line of the report, and the exit code: 1 when any check failed. */
export function verdictOf(results: CheckResult[]): { line: string; code: number } {
  const failed = results.filter((r) => r.verdict === 'FAIL');
  const warned = results.filter((r) => r.verdict === 'WARN').length;
  if (failed.length > 0) return { code: 1, line: `doctor: ${failed.length} of ${results.length} checks failed: ${failed.map((r) => r.id).join(', ')}` };
  return { code: 0, line: `doctor: all ${results.length} checks passed${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}` };
}
