/** /ari/asterisk, /ari/playbacks, /ari/recordings, /ari/applications, /ari/endpoints. */
import type { Clock } from '../../clock/index.js';
import { AriError, notFound } from '../errors.js';
import { ASTERISK_ID } from '../events.js';
import { ariTime } from '../model/json.js';
import type { Pbx } from '../pbx.js';
import { noContent, ok, type Router } from './router.js';

export const ASTERISK_VERSION = '22.10.1';

/** The modules the embedded PBX stands in for (GET /asterisk/modules), as a Centralita Asterisk loads them. */
const SIM_MODULES = [
  'res_ari', 'res_ari_applications', 'res_ari_asterisk', 'res_ari_bridges', 'res_ari_channels', 'res_ari_events',
  'res_ari_playbacks', 'res_ari_recordings', 'res_ari_sounds', 'res_http_websocket', 'res_stasis', 'res_stasis_answer',
  'res_stasis_playback', 'res_stasis_recording', 'res_stasis_snoop', 'app_stasis', 'chan_rtp', 'res_rtp_asterisk',
  'bridge_simple', 'bridge_softmix', 'codec_ulaw', 'codec_alaw', 'format_wav', 'format_pcm', 'chan_pjsip', 'res_pjsip',
];

export function miscRoutes(r: Router, pbx: Pbx, clock: Clock, startedAtOf: () => number, apps: () => string[]): void {
  r.on('GET', '/asterisk/info', () => {
    const startedAt = startedAtOf();
    return ok({
      build: { os: 'Linux', kernel: 'centralita-sim', machine: 'x86_64', options: 'simulator', date: ariTime(startedAt), user: 'centralita' },
      system: { version: ASTERISK_VERSION, entity_id: ASTERISK_ID },
      config: { name: 'centralita-sim', default_language: 'en', setid: { user: 'asterisk', group: 'asterisk' } },
      status: { startup_time: ariTime(startedAt), last_reload_time: ariTime(startedAt) },
    });
  });
  r.on('GET', '/asterisk/ping', () => ok({ asterisk_id: ASTERISK_ID, ping: 'pong', timestamp: ariTime(clock.now()) }));
  r.on('GET', '/applications', () =>
    ok(apps().map((name) => ({ name, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] }))),
  );
  r.on('GET', '/applications/{applicationName}', (req) => {
    const name = req.params['applicationName']!;
    if (!apps().includes(name)) throw new AriError(404, 'Application not found');
    return ok({ name, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });
  });
  r.on('GET', '/asterisk/modules', () =>
    ok(SIM_MODULES.map((name) => ({ name: `${name}.so`, description: name, use_count: 0, status: 'Running', support_level: 'core' }))),
  );
  r.on('GET', '/endpoints', () => ok([]));

  r.on('GET', '/playbacks/{playbackId}', (req) => ok(pbx.getPlayback(req.params['playbackId']!)));
  r.on('DELETE', '/playbacks/{playbackId}', (req) => {
    pbx.stopPlayback(req.params['playbackId']!);
    return noContent();
  });
  r.on('POST', '/playbacks/{playbackId}/control', (req) => {
    pbx.getPlayback(req.params['playbackId']!);
    if (!req.params['operation']) throw new AriError(400, 'Missing parameter operation');
    return noContent();
  });

  r.on('GET', '/recordings/live/{recordingName}', (req) => ok(pbx.getLiveRecording(req.params['recordingName']!)));
  r.on('POST', '/recordings/live/{recordingName}/stop', (req) => {
    pbx.stopLiveRecording(req.params['recordingName']!, false);
    return noContent();
  });
  r.on('POST', '/recordings/live/{recordingName}/pause', (req) => {
    pbx.pauseLiveRecording(req.params['recordingName']!, true);
    return noContent();
  });
  r.on('DELETE', '/recordings/live/{recordingName}/pause', (req) => {
    pbx.pauseLiveRecording(req.params['recordingName']!, false);
    return noContent();
  });
  r.on('DELETE', '/recordings/live/{recordingName}', (req) => {
    pbx.stopLiveRecording(req.params['recordingName']!, true);
    return noContent();
  });
  r.on('GET', '/recordings/stored', () => ok([...pbx.stored.values()].map((s) => ({ name: s.name, format: s.format }))));
  r.on('GET', '/recordings/stored/{recordingName}', (req) => {
    const s = pbx.stored.get(req.params['recordingName']!);
    if (!s) throw notFound('Recording');
    return ok({ name: s.name, format: s.format });
  });
  r.on('GET', '/recordings/stored/{recordingName}/file', (req) => {
    const s = pbx.stored.get(req.params['recordingName']!);
    if (!s) throw notFound('Recording');
    return { status: 200, bytes: s.file(), contentType: s.format === 'wav' ? 'audio/wav' : 'application/octet-stream' };
  });
  r.on('DELETE', '/recordings/stored/{recordingName}', (req) => {
    if (!pbx.stored.delete(req.params['recordingName']!)) throw notFound('Recording');
    return noContent();
  });
}
