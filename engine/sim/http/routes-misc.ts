/** /ari/asterisk, /ari/playbacks, /ari/recordings, /ari/applications, /ari/endpoints. */
import type { Clock } from '../../clock/index.js';
import { AriError, notFound } from '../errors.js';
import { ASTERISK_ID } from '../events.js';
import { ariTime } from '../model/json.js';
import type { Pbx } from '../pbx.js';
import { noContent, ok, type Router } from './router.js';

export const ASTERISK_VERSION = '22.10.1';

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
