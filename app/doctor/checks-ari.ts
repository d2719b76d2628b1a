/** The doctor's ARI checks: reachable with valid credentials, version, modules, the Stasis app, clock skew. */
import { ari, AriUnreachable, openApp, type AriTarget } from './ari-wire.js';
import { REQUIRED_MODULES } from '../../engine/deploy/index.js';
import { fail, pass, warn, type CheckResult } from './report.js';

const T_ARI = 'ARI reachable, credentials valid';

/** GET /ari/asterisk/info: the first check; everything else needs it. Returns the info body on success. */
export async function checkAri(t: AriTarget): Promise<{ result: CheckResult; info: Record<string, unknown> | null }> {
  let r;
  try {
    r = await ari(t, 'GET', '/asterisk/info');
  } catch (err) {
    const why = err instanceof AriUnreachable ? err.message : String(err);
    return {
      info: null,
      result: fail('ari', T_ARI, `cannot reach ${t.url} (${why})`, 'check ARI_URL; in Asterisk, http.conf needs enabled = yes and a bindaddr/bindport this host can reach (`http show status`), and the firewall must let TCP to that port through'),
    };
  }
  if (r.status === 401) {
    return {
      info: null,
      result: fail('ari', T_ARI, `Asterisk refused user "${t.username}" (HTTP 401: wrong ARI_USERNAME or ARI_PASSWORD)`, `ARI_USERNAME/ARI_PASSWORD must match a user in ari.conf (see ari_centralita.conf from \`npm run asterisk:config\`); after editing it run \`module reload res_ari.so\` and check with \`ari show users\``),
    };
  }
  const body = r.body as Record<string, unknown> | null;
  if (r.status !== 200 || !body || typeof body !== 'object' || !('system' in body)) {
    return {
      info: null,
      result: fail('ari', T_ARI, `${t.url}/ari/asterisk/info answered HTTP ${r.status}, not ARI`, 'ARI_URL must be the base of Asterisk\'s HTTP server (http://host:8088, without /ari); in Asterisk load res_ari.so and set enabled = yes in ari.conf'),
    };
  }
  return { info: body, result: pass('ari', T_ARI, `${t.url} as "${t.username}"`) };
}

export function checkVersion(info: Record<string, unknown>): CheckResult {
  const version = String((info['system'] as { version?: string } | undefined)?.version ?? '');
  const major = Number(/^(?:certified\/)?(\d+)/.exec(version)?.[1] ?? NaN);
  const title = 'Asterisk version';
  if (!Number.isFinite(major)) return warn('version', title, `unrecognised version "${version}"`, 'Centralita is built and tested against Asterisk 22 (externalMedia needs 16.6 or later)');
  if (major < 16) return fail('version', title, `Asterisk ${version}: too old (no externalMedia)`, 'upgrade to Asterisk 20 or 22 (LTS); externalMedia, which carries audio to AMD, needs 16.6 or later, and Centralita is tested on 22.10.1');
  if (major < 20) return warn('version', title, `Asterisk ${version}: works, but untested`, 'Centralita is tested on Asterisk 22.10.1; upgrade to 20 or 22 (LTS) when you can');
  return pass('version', title, `Asterisk ${version}`);
}

export async function checkModules(t: AriTarget): Promise<CheckResult> {
  const title = 'required modules loaded';
  const r = await ari(t, 'GET', '/asterisk/modules');
  if (r.status !== 200 || !Array.isArray(r.body)) {
    return warn('modules', title, `GET /ari/asterisk/modules answered HTTP ${r.status}`, 'load res_ari_asterisk.so, or check by hand with `module show like res_ari`');
  }
  const running = new Set(
    (r.body as Array<{ name: string; status?: string }>).filter((m) => !m.status || /running/i.test(m.status)).map((m) => m.name.replace(/\.so$/, '')),
  );
  const missing = Object.keys(REQUIRED_MODULES).filter((m) => !running.has(m));
  const sip = running.has('chan_pjsip') ? 'chan_pjsip' : running.has('chan_sip') ? 'chan_sip' : null;
  if (missing.length > 0) {
    return fail('modules', title, `not loaded: ${missing.map((m) => `${m} (${REQUIRED_MODULES[m]})`).join(', ')}`, `in modules.conf, \`load = ${missing[0]}.so\` for each (or remove its \`noload\`), then \`module load ${missing[0]}.so\`; see modules_centralita.conf from npm run asterisk:config`);
  }
  if (!sip) {
    return warn('modules', title, `all ${Object.keys(REQUIRED_MODULES).length} loaded, but no SIP channel driver (chan_pjsip or chan_sip): only Local channels can be dialled`, 'load chan_pjsip.so (and res_pjsip*.so) to reach trunks and agent phones; on chan_sip-era Issabel use its SIP peers as the campaign dial string');
  }
  return pass('modules', title, `all ${Object.keys(REQUIRED_MODULES).length} loaded, SIP by ${sip}`);
}

/**
 * The engine's Stasis app: registered when an engine is connected; otherwise the doctor registers it for a moment
 * (never while an engine holds it: a second WebSocket for the same app would take its events away).
 */
export async function checkStasisApp(t: AriTarget, app: string): Promise<CheckResult> {
  const title = `Stasis app "${app}"`;
  const r = await ari(t, 'GET', `/applications/${encodeURIComponent(app)}`);
  if (r.status === 200) return pass('stasis-app', title, 'registered (an engine is connected)');
  let socket;
  try {
    socket = await openApp(t, app);
  } catch (err) {
    return fail('stasis-app', title, `not registered, and registering it failed: ${(err as Error).message}`, 'the ARI user needs read_only = no in ari.conf, and res_ari_events/res_http_websocket loaded');
  }
  try {
    const again = await ari(t, 'GET', `/applications/${encodeURIComponent(app)}`);
    if (again.status !== 200) return fail('stasis-app', title, `a WebSocket for it opened, but Asterisk does not list it (HTTP ${again.status})`, 'check `ari show apps` in the Asterisk CLI and the Asterisk log');
    return pass('stasis-app', title, 'not registered now (no engine connected); registering it works');
  } finally {
    await socket.close();
  }
}

/** Asterisk's clock against this host's: ARI timestamps, CallLogs and recordings must agree. */
export async function checkClockSkew(t: AriTarget, maxSkewMs = 2000): Promise<CheckResult> {
  const title = 'clock skew';
  const t0 = Date.now();
  const r = await ari(t, 'GET', '/asterisk/ping');
  const t1 = Date.now();
  const stamp = (r.body as { timestamp?: string } | null)?.timestamp;
  const theirs = stamp ? Date.parse(stamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
  if (r.status !== 200 || Number.isNaN(theirs)) return warn('clock', title, `GET /ari/asterisk/ping gave no timestamp (HTTP ${r.status})`, 'compare `date -u` on both hosts by hand');
  const skew = theirs - (t0 + t1) / 2;
  const shown = `${skew >= 0 ? '+' : ''}${Math.round(skew)} ms (Asterisk minus this host, ±${Math.ceil((t1 - t0) / 2)} ms)`;
  if (Math.abs(skew) > maxSkewMs) return fail('clock', title, shown, 'run NTP on both hosts (`timedatectl set-ntp true`, chrony or systemd-timesyncd)');
  return pass('clock', title, shown);
}
