import { describe, expect, it } from 'vitest';
import { AriError, ariMessageOf } from '../../../engine/ari/errors.js';
import { toAriRequest } from '../../../engine/ari/gateway.js';

describe('AriError', () => {
  it('carries status and the ARI message', () => {
    const e = new AriError(422, ariMessageOf('{"message":"Channel not in Stasis application"}'), 'addChannel');
    expect(e).toMatchObject({ status: 422, ariMessage: 'Channel not in Stasis application', op: 'addChannel' });
    expect(e.message).toBe('ARI addChannel failed: 422 Channel not in Stasis application');
    expect(e.isGone).toBe(false);
  });

  it('treats 404 and 400 "not found" as gone', () => {
    expect(new AriError(404, 'Channel not found', 'hangup').isGone).toBe(true);
    expect(new AriError(400, 'Channel not found', 'addChannel').isGone).toBe(true);
    expect(new AriError(0, 'ECONNREFUSED', 'hangup').isGone).toBe(false);
  });

  it('reads messages out of buffers, JSON and plain text', () => {
    expect(ariMessageOf(Buffer.from('{"message":"Bridge not found"}'))).toBe('Bridge not found');
    expect(ariMessageOf('Internal Server Error\n')).toBe('Internal Server Error');
    expect(ariMessageOf(undefined)).toBe('');
  });
});

describe('toAriRequest (the requests recorded against Asterisk 22)', () => {
  it('originate with our channel id into our app', () => {
    expect(toAriRequest('dialer', { op: 'originate', channelId: 'cust-1', endpoint: 'Local/ring-human@amd-sim', timeoutSec: 20 })).toEqual({
      resource: 'channels',
      operation: 'originate',
      params: {
        endpoint: 'Local/ring-human@amd-sim',
        app: 'dialer',
        appArgs: undefined,
        channelId: 'cust-1',
        timeout: 20,
        callerId: undefined,
        variables: undefined,
        formats: 'slin48',
      },
    });
  });

  it('originates a Local channel as slin48 (slin192, Asterisk\'s pick, halves 8 kHz audio) and leaves other channels to Asterisk', () => {
    const params = (endpoint: string) => toAriRequest('dialer', { op: 'originate', channelId: 'c', endpoint, timeoutSec: 20 }).params;
    expect(params('Local/+15550101234@callees/n').formats).toBe('slin48');
    expect(params('local/3002@agent-phones').formats).toBe('slin48');
    expect(params('PJSIP/+15550101234@trunk').formats).toBeUndefined();
    expect(params('PJSIP/Local/x').formats).toBeUndefined();
  });

  it('snoop spy=in with our snoop id; externalMedia with host:port and ulaw', () => {
    expect(toAriRequest('dialer', { op: 'snoop', channelId: 'cust-1', snoopId: 'snoop-1', spy: 'in' }).params).toEqual({
      channelId: 'cust-1',
      snoopId: 'snoop-1',
      spy: 'in',
      app: 'dialer',
    });
    expect(toAriRequest('dialer', { op: 'externalMedia', channelId: 'em-1', host: '127.0.0.1', port: 40123, format: 'ulaw' })).toEqual({
      resource: 'channels',
      operation: 'externalMedia',
      params: { channelId: 'em-1', app: 'dialer', external_host: '127.0.0.1:40123', format: 'ulaw' },
    });
  });

  it('bridges: create with id, add several channels comma-separated, destroy', () => {
    expect(toAriRequest('a', { op: 'createBridge', bridgeId: 'amd-1', type: 'mixing' })).toMatchObject({
      resource: 'bridges',
      operation: 'create',
      params: { bridgeId: 'amd-1', type: 'mixing' },
    });
    expect(toAriRequest('a', { op: 'addChannel', bridgeId: 'amd-1', channelIds: ['snoop-1', 'em-1'] }).params).toEqual({
      bridgeId: 'amd-1',
      channel: 'snoop-1,em-1',
    });
    expect(toAriRequest('a', { op: 'destroyBridge', bridgeId: 'amd-1' })).toEqual({ resource: 'bridges', operation: 'destroy', params: { bridgeId: 'amd-1' } });
  });

  it('hangup with reason, play with our playback id, bridge record', () => {
    expect(toAriRequest('a', { op: 'hangup', channelId: 'mc-1', reason: 'normal' }).params).toEqual({ channelId: 'mc-1', reason: 'normal' });
    expect(toAriRequest('a', { op: 'play', channelId: 'cu-2', playbackId: 'pb-1', media: 'sound:beep' })).toEqual({
      resource: 'channels',
      operation: 'play',
      params: { channelId: 'cu-2', playbackId: 'pb-1', media: 'sound:beep' },
    });
    expect(toAriRequest('a', { op: 'record', bridgeId: 'ab-1', name: 'rec-cu-2', format: 'wav' }).params).toEqual({
      bridgeId: 'ab-1',
      name: 'rec-cu-2',
      format: 'wav',
      ifExists: 'overwrite',
    });
  });
});
