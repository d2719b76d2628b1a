/** /ari/channels/* — originate, create/dial, hangup, answer, ring, play, snoop, record, variables, externalMedia. */
import { AriError } from '../errors.js';
import { REASON_CAUSE } from '../model/causes.js';
import type { Pbx } from '../pbx.js';
import { noContent, num, ok, type Params, type RouteRequest, type Router } from './router.js';

function variablesOf(req: RouteRequest): Record<string, string> | undefined {
  const v = req.body?.['variables'];
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  return undefined;
}

function originateParams(p: Params, req: RouteRequest) {
  const variables = variablesOf(req);
  return {
    ...(p['endpoint'] !== undefined ? { endpoint: p['endpoint'] } : {}),
    ...(p['app'] !== undefined ? { app: p['app'] } : {}),
    ...(p['appArgs'] !== undefined ? { appArgs: p['appArgs'] } : {}),
    ...(p['callerId'] !== undefined ? { callerId: p['callerId'] } : {}),
    ...(p['timeout'] !== undefined ? { timeout: num(p['timeout'])! } : {}),
    ...(p['channelId'] !== undefined ? { channelId: p['channelId'] } : {}),
    ...(p['otherChannelId'] !== undefined ? { otherChannelId: p['otherChannelId'] } : {}),
    ...(p['extension'] !== undefined ? { extension: p['extension'] } : {}),
    ...(p['context'] !== undefined ? { context: p['context'] } : {}),
    ...(variables ? { variables } : {}),
  };
}

export function channelRoutes(r: Router, pbx: Pbx): void {
  r.on('GET', '/channels', () => ok([...pbx.channels.values()].map((c) => c.toJson())));
  r.on('POST', '/channels', (req) => {
    const ch = pbx.originate(originateParams(req.params, req));
    return ok(ch.replyJson ?? ch.toJson());
  });
  r.on('POST', '/channels/create', (req) => ok(pbx.create(originateParams(req.params, req)).toJson()));
  r.on('POST', '/channels/externalMedia', async (req) => {
    const p = req.params;
    const variables = variablesOf(req);
    const { reply } = await pbx.externalMedia({
      ...(p['app'] !== undefined ? { app: p['app'] } : {}),
      ...(p['external_host'] !== undefined ? { external_host: p['external_host'] } : {}),
      ...(p['format'] !== undefined ? { format: p['format'] } : {}),
      ...(p['encapsulation'] !== undefined ? { encapsulation: p['encapsulation'] } : {}),
      ...(p['transport'] !== undefined ? { transport: p['transport'] } : {}),
      ...(p['channelId'] !== undefined ? { channelId: p['channelId'] } : {}),
      ...(variables ? { variables } : {}),
    });
    return ok(reply);
  });
  r.on('GET', '/channels/{channelId}', (req) => ok(pbx.getChannel(req.params['channelId']!).toJson()));
  r.on('POST', '/channels/{channelId}', (req) => {
    const ch = pbx.originate({ ...originateParams(req.params, req), channelId: req.params['channelId']! });
    return ok(ch.replyJson ?? ch.toJson());
  });
  r.on('DELETE', '/channels/{channelId}', (req) => {
    const reason = req.params['reason'];
    const code = num(req.params['reason_code']);
    if (reason !== undefined && code !== undefined) throw new AriError(400, 'The reason and reason_code can not both be specified');
    let cause = 16;
    if (code !== undefined) cause = code;
    else if (reason !== undefined) {
      const c = REASON_CAUSE[reason];
      if (c === undefined) throw new AriError(400, 'Invalid reason for hangup provided');
      cause = c;
    }
    pbx.hangupByApp(req.params['channelId']!, cause);
    return noContent();
  });
  r.on('POST', '/channels/{channelId}/dial', (req) => {
    pbx.dial(req.params['channelId']!, num(req.params['timeout']));
    return noContent();
  });
  r.on('POST', '/channels/{channelId}/answer', (req) => {
    const ch = pbx.controlled(req.params['channelId']!);
    if (!ch.answered) pbx.run(() => pbx.answerOutbound(ch));
    return noContent();
  });
  for (const method of ['POST', 'DELETE']) {
    r.on(method, '/channels/{channelId}/ring', (req) => {
      pbx.controlled(req.params['channelId']!);
      return noContent();
    });
    r.on(method, '/channels/{channelId}/moh', (req) => {
      pbx.controlled(req.params['channelId']!);
      return noContent();
    });
    r.on(method, '/channels/{channelId}/hold', (req) => {
      pbx.controlled(req.params['channelId']!);
      return noContent();
    });
  }
  const play = (req: RouteRequest) => {
    const ch = pbx.controlled(req.params['channelId']!);
    const p = req.params;
    return ok(
      pbx.play({ channel: ch }, {
        ...(p['media'] !== undefined ? { media: p['media'] } : {}),
        ...(p['playbackId'] !== undefined ? { playbackId: p['playbackId'] } : {}),
        ...(p['lang'] !== undefined ? { lang: p['lang'] } : {}),
      }),
      201,
    );
  };
  r.on('POST', '/channels/{channelId}/play', play);
  r.on('POST', '/channels/{channelId}/play/{playbackId}', play);
  const snoop = (req: RouteRequest) => {
    const p = req.params;
    const s = pbx.snoop(p['channelId']!, {
      ...(p['spy'] !== undefined ? { spy: p['spy'] } : {}),
      ...(p['whisper'] !== undefined ? { whisper: p['whisper'] } : {}),
      ...(p['app'] !== undefined ? { app: p['app'] } : {}),
      ...(p['appArgs'] !== undefined ? { appArgs: p['appArgs'] } : {}),
      ...(p['snoopId'] !== undefined ? { snoopId: p['snoopId'] } : {}),
    });
    return ok(s.replyJson ?? s.toJson());
  };
  r.on('POST', '/channels/{channelId}/snoop', snoop);
  r.on('POST', '/channels/{channelId}/snoop/{snoopId}', snoop);
  r.on('POST', '/channels/{channelId}/record', (req) => {
    const p = req.params;
    return ok(
      pbx.recordChannel(p['channelId']!, {
        ...(p['name'] !== undefined ? { name: p['name'] } : {}),
        ...(p['format'] !== undefined ? { format: p['format'] } : {}),
        ...(p['ifExists'] !== undefined ? { ifExists: p['ifExists'] } : {}),
      }),
      201,
    );
  });
  r.on('GET', '/channels/{channelId}/variable', (req) => {
    const ch = pbx.getChannel(req.params['channelId']!);
    const variable = req.params['variable'];
    if (!variable) throw new AriError(400, 'Variable name is required');
    const value = ch.vars.get(variable);
    if (value === undefined) throw new AriError(404, 'Provided variable was not found');
    return ok({ value });
  });
  r.on('POST', '/channels/{channelId}/variable', (req) => {
    const ch = pbx.getChannel(req.params['channelId']!);
    const variable = req.params['variable'];
    if (!variable) throw new AriError(400, 'Variable name is required');
    pbx.run(() => pbx.setVar(ch, variable, req.params['value'] ?? ''));
    return noContent();
  });
}
