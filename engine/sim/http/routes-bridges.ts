/** /ari/bridges/* — create, addChannel/removeChannel, play, record, music on hold, DELETE. */
import { AriError } from '../errors.js';
import type { Pbx } from '../pbx.js';
import { noContent, ok, type RouteRequest, type Router } from './router.js';

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function bridgeRoutes(r: Router, pbx: Pbx): void {
  r.on('GET', '/bridges', () => ok([...pbx.bridges.values()].map((b) => b.toJson())));
  const create = (req: RouteRequest) => {
    const p = req.params;
    return ok(
      pbx
        .createBridge({
          ...(p['type'] !== undefined ? { type: p['type'] } : {}),
          ...(p['bridgeId'] !== undefined ? { bridgeId: p['bridgeId'] } : {}),
          ...(p['name'] !== undefined ? { name: p['name'] } : {}),
        })
        .toJson(),
    );
  };
  r.on('POST', '/bridges', create);
  r.on('POST', '/bridges/{bridgeId}', create);
  r.on('GET', '/bridges/{bridgeId}', (req) => ok(pbx.getBridge(req.params['bridgeId']!).toJson()));
  r.on('DELETE', '/bridges/{bridgeId}', (req) => {
    pbx.destroyBridge(req.params['bridgeId']!);
    return noContent();
  });
  r.on('POST', '/bridges/{bridgeId}/addChannel', (req) => {
    const chans = list(req.params['channel']);
    if (chans.length === 0) throw new AriError(400, 'Missing parameter channel');
    pbx.addToBridge(req.params['bridgeId']!, chans);
    return noContent();
  });
  r.on('POST', '/bridges/{bridgeId}/removeChannel', (req) => {
    const chans = list(req.params['channel']);
    if (chans.length === 0) throw new AriError(400, 'Missing parameter channel');
    pbx.removeFromBridge(req.params['bridgeId']!, chans);
    return noContent();
  });
  const play = (req: RouteRequest) => {
    const b = pbx.getBridge(req.params['bridgeId']!);
    const p = req.params;
    return ok(
      pbx.play({ bridge: b }, {
        ...(p['media'] !== undefined ? { media: p['media'] } : {}),
        ...(p['playbackId'] !== undefined ? { playbackId: p['playbackId'] } : {}),
        ...(p['lang'] !== undefined ? { lang: p['lang'] } : {}),
      }),
      201,
    );
  };
  r.on('POST', '/bridges/{bridgeId}/play', play);
  r.on('POST', '/bridges/{bridgeId}/play/{playbackId}', play);
  r.on('POST', '/bridges/{bridgeId}/record', (req) => {
    const p = req.params;
    return ok(
      pbx.recordBridge(req.params['bridgeId']!, {
        ...(p['name'] !== undefined ? { name: p['name'] } : {}),
        ...(p['format'] !== undefined ? { format: p['format'] } : {}),
        ...(p['ifExists'] !== undefined ? { ifExists: p['ifExists'] } : {}),
      }),
      201,
    );
  });
  for (const method of ['POST', 'DELETE']) {
    r.on(method, '/bridges/{bridgeId}/moh', (req) => {
      pbx.getBridge(req.params['bridgeId']!);
      return noContent();
    });
  }
}
