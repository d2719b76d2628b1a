/**
 * Swagger 1.2 documents for the ARI subset the simulator implements, written for this project in the shape
 * Asterisk serves (`/ari/api-docs/resources.json` plus one declaration per resource), so that the unmodified
 * `ari-client` (swagger-client 2.0) builds its API from them. Response types use Asterisk's `List[Type]`
 * spelling, which ari-client relies on to wrap list results.
 */
type Param = { name: string; paramType: 'query' | 'path' | 'body'; required: boolean; dataType: string; allowMultiple: boolean };
type Op = { httpMethod: string; method: string; nickname: string; summary: string; responseClass: string; type: string; parameters: Param[] };
type Api = { path: string; description: string; operations: Op[] };

const q = (name: string, dataType = 'string', required = false): Param => ({ name, paramType: 'query', required, dataType, allowMultiple: false });
const path = (name: string): Param => ({ name, paramType: 'path', required: true, dataType: 'string', allowMultiple: false });
const body = (name: string): Param => ({ name, paramType: 'body', required: false, dataType: 'containers', allowMultiple: false });

function op(method: string, nickname: string, responseClass: string, parameters: Param[], summary = nickname): Op {
  return { httpMethod: method, method, nickname, summary, responseClass, type: responseClass, parameters };
}

const ORIGINATE = [q('endpoint', 'string', true), q('extension'), q('context'), q('priority', 'long'), q('label'), q('app'), q('appArgs'), q('callerId'), q('timeout', 'int'), body('variables'), q('otherChannelId'), q('originator'), q('formats')];

const CH = path('channelId');
const BR = path('bridgeId');

const RESOURCES: Record<string, { description: string; apis: Api[] }> = {
  asterisk: {
    description: 'Asterisk resources',
    apis: [
      { path: '/asterisk/info', description: 'Asterisk system information', operations: [op('GET', 'getInfo', 'AsteriskInfo', [q('only')])] },
      { path: '/asterisk/ping', description: 'Asterisk ping', operations: [op('GET', 'ping', 'AsteriskPing', [])] },
    ],
  },
  endpoints: {
    description: 'Endpoint resources',
    apis: [{ path: '/endpoints', description: 'Endpoints', operations: [op('GET', 'list', 'List[Endpoint]', [])] }],
  },
  channels: {
    description: 'Channel resources',
    apis: [
      {
        path: '/channels',
        description: 'Active channels',
        operations: [op('GET', 'list', 'List[Channel]', []), op('POST', 'originate', 'Channel', [...ORIGINATE, q('channelId')])],
      },
      { path: '/channels/create', description: 'Create a channel', operations: [op('POST', 'create', 'Channel', [q('endpoint', 'string', true), q('app', 'string', true), q('appArgs'), q('channelId'), q('otherChannelId'), q('originator'), q('formats'), body('variables')])] },
      {
        path: '/channels/{channelId}',
        description: 'Active channel',
        operations: [
          op('GET', 'get', 'Channel', [CH]),
          op('POST', 'originateWithId', 'Channel', [CH, ...ORIGINATE]),
          op('DELETE', 'hangup', 'void', [CH, q('reason_code'), q('reason')]),
        ],
      },
      { path: '/channels/{channelId}/dial', description: 'Dial a created channel', operations: [op('POST', 'dial', 'void', [CH, q('caller'), q('timeout', 'int')])] },
      { path: '/channels/{channelId}/answer', description: 'Answer', operations: [op('POST', 'answer', 'void', [CH])] },
      { path: '/channels/{channelId}/ring', description: 'Ringing', operations: [op('POST', 'ring', 'void', [CH]), op('DELETE', 'ringStop', 'void', [CH])] },
      { path: '/channels/{channelId}/hold', description: 'Hold', operations: [op('POST', 'hold', 'void', [CH]), op('DELETE', 'unhold', 'void', [CH])] },
      { path: '/channels/{channelId}/moh', description: 'Music on hold', operations: [op('POST', 'startMoh', 'void', [CH, q('mohClass')]), op('DELETE', 'stopMoh', 'void', [CH])] },
      { path: '/channels/{channelId}/play', description: 'Play media', operations: [op('POST', 'play', 'Playback', [CH, q('media', 'string', true), q('lang'), q('offsetms', 'int'), q('skipms', 'int'), q('playbackId')])] },
      { path: '/channels/{channelId}/play/{playbackId}', description: 'Play media with id', operations: [op('POST', 'playWithId', 'Playback', [CH, path('playbackId'), q('media', 'string', true), q('lang'), q('offsetms', 'int'), q('skipms', 'int')])] },
      { path: '/channels/{channelId}/record', description: 'Record', operations: [op('POST', 'record', 'LiveRecording', [CH, q('name', 'string', true), q('format', 'string', true), q('maxDurationSeconds', 'int'), q('maxSilenceSeconds', 'int'), q('ifExists'), q('beep', 'boolean'), q('terminateOn')])] },
      { path: '/channels/{channelId}/variable', description: 'Variables', operations: [op('GET', 'getChannelVar', 'Variable', [CH, q('variable', 'string', true)]), op('POST', 'setChannelVar', 'void', [CH, q('variable', 'string', true), q('value')])] },
      { path: '/channels/{channelId}/snoop', description: 'Snoop', operations: [op('POST', 'snoopChannel', 'Channel', [CH, q('spy'), q('whisper'), q('app', 'string', true), q('appArgs'), q('snoopId')])] },
      { path: '/channels/{channelId}/snoop/{snoopId}', description: 'Snoop with id', operations: [op('POST', 'snoopChannelWithId', 'Channel', [CH, path('snoopId'), q('spy'), q('whisper'), q('app', 'string', true), q('appArgs')])] },
      {
        path: '/channels/externalMedia',
        description: 'External media',
        operations: [op('POST', 'externalMedia', 'Channel', [q('channelId'), q('app', 'string', true), body('variables'), q('external_host', 'string', true), q('encapsulation'), q('transport'), q('connection_type'), q('format', 'string', true), q('direction'), q('data')])],
      },
    ],
  },
  bridges: {
    description: 'Bridge resources',
    apis: [
      { path: '/bridges', description: 'Bridges', operations: [op('GET', 'list', 'List[Bridge]', []), op('POST', 'create', 'Bridge', [q('type'), q('bridgeId'), q('name')])] },
      {
        path: '/bridges/{bridgeId}',
        description: 'Bridge',
        operations: [op('POST', 'createWithId', 'Bridge', [q('type'), BR, q('name')]), op('GET', 'get', 'Bridge', [BR]), op('DELETE', 'destroy', 'void', [BR])],
      },
      { path: '/bridges/{bridgeId}/addChannel', description: 'Add channels', operations: [op('POST', 'addChannel', 'void', [BR, q('channel', 'string', true), q('role'), q('absorbDTMF', 'boolean'), q('mute', 'boolean'), q('inhibitConnectedLineUpdates', 'boolean')])] },
      { path: '/bridges/{bridgeId}/removeChannel', description: 'Remove channels', operations: [op('POST', 'removeChannel', 'void', [BR, q('channel', 'string', true)])] },
      { path: '/bridges/{bridgeId}/moh', description: 'Music on hold', operations: [op('POST', 'startMoh', 'void', [BR, q('mohClass')]), op('DELETE', 'stopMoh', 'void', [BR])] },
      { path: '/bridges/{bridgeId}/play', description: 'Play media', operations: [op('POST', 'play', 'Playback', [BR, q('media', 'string', true), q('lang'), q('offsetms', 'int'), q('skipms', 'int'), q('playbackId')])] },
      { path: '/bridges/{bridgeId}/play/{playbackId}', description: 'Play media with id', operations: [op('POST', 'playWithId', 'Playback', [BR, path('playbackId'), q('media', 'string', true), q('lang'), q('offsetms', 'int'), q('skipms', 'int')])] },
      { path: '/bridges/{bridgeId}/record', description: 'Record', operations: [op('POST', 'record', 'LiveRecording', [BR, q('name', 'string', true), q('format', 'string', true), q('maxDurationSeconds', 'int'), q('maxSilenceSeconds', 'int'), q('ifExists'), q('beep', 'boolean'), q('terminateOn')])] },
    ],
  },
  playbacks: {
    description: 'Playback control resources',
    apis: [
      { path: '/playbacks/{playbackId}', description: 'Playback', operations: [op('GET', 'get', 'Playback', [path('playbackId')]), op('DELETE', 'stop', 'void', [path('playbackId')])] },
      { path: '/playbacks/{playbackId}/control', description: 'Control', operations: [op('POST', 'control', 'void', [path('playbackId'), q('operation', 'string', true)])] },
    ],
  },
  recordings: {
    description: 'Recording resources',
    apis: [
      { path: '/recordings/live/{recordingName}', description: 'Live recording', operations: [op('GET', 'getLive', 'LiveRecording', [path('recordingName')]), op('DELETE', 'cancel', 'void', [path('recordingName')])] },
      { path: '/recordings/live/{recordingName}/stop', description: 'Stop a live recording', operations: [op('POST', 'stop', 'void', [path('recordingName')])] },
      { path: '/recordings/live/{recordingName}/pause', description: 'Pause a live recording', operations: [op('POST', 'pause', 'void', [path('recordingName')]), op('DELETE', 'unpause', 'void', [path('recordingName')])] },
      { path: '/recordings/stored', description: 'Stored recordings', operations: [op('GET', 'listStored', 'List[StoredRecording]', [])] },
      { path: '/recordings/stored/{recordingName}', description: 'Stored recording', operations: [op('GET', 'getStored', 'StoredRecording', [path('recordingName')]), op('DELETE', 'deleteStored', 'void', [path('recordingName')])] },
      { path: '/recordings/stored/{recordingName}/file', description: 'Stored recording file', operations: [op('GET', 'getStoredFile', 'binary', [path('recordingName')])] },
    ],
  },
  applications: {
    description: 'Stasis application resources',
    apis: [{ path: '/applications', description: 'Applications', operations: [op('GET', 'list', 'List[Application]', [])] }],
  },
  events: {
    description: 'WebSocket resource',
    apis: [{ path: '/events', description: 'Events from Asterisk to applications', operations: [op('GET', 'eventWebsocket', 'Message', [q('app', 'string', true), q('subscribeAll', 'boolean')])] }],
  },
};

type Props = Record<string, { type: string; required?: boolean }>;
const props = (spec: Record<string, string>): Props =>
  Object.fromEntries(Object.entries(spec).map(([k, t]) => [k, { type: t.replace('?', ''), required: !t.endsWith('?') }]));

const MODELS: Record<string, Props> = {
  Channel: props({ id: 'string', name: 'string', state: 'string', protocol_id: 'string', caller: 'CallerID', connected: 'CallerID', accountcode: 'string', dialplan: 'DialplanCEP', creationtime: 'Date', language: 'string', channelvars: 'object?' }),
  CallerID: props({ name: 'string', number: 'string' }),
  DialplanCEP: props({ context: 'string', exten: 'string', priority: 'long', app_name: 'string', app_data: 'string' }),
  Bridge: props({ id: 'string', technology: 'string', bridge_type: 'string', bridge_class: 'string', creator: 'string', name: 'string', channels: 'List[string]', creationtime: 'Date', video_mode: 'string?' }),
  Playback: props({ id: 'string', media_uri: 'string', target_uri: 'string', language: 'string?', state: 'string' }),
  LiveRecording: props({ name: 'string', format: 'string', target_uri: 'string', state: 'string', duration: 'int?', cause: 'string?' }),
  StoredRecording: props({ name: 'string', format: 'string' }),
  Variable: props({ value: 'string' }),
  AsteriskInfo: props({ build: 'object?', system: 'object?', config: 'object?', status: 'object?' }),
  AsteriskPing: props({ asterisk_id: 'string', ping: 'string', timestamp: 'string' }),
  Endpoint: props({ technology: 'string', resource: 'string', state: 'string?', channel_ids: 'List[string]' }),
  Application: props({ name: 'string', channel_ids: 'List[string]', bridge_ids: 'List[string]', endpoint_ids: 'List[string]', device_names: 'List[string]' }),
};

const EVENT_BASE = { type: 'string', application: 'string', timestamp: 'Date', asterisk_id: 'string?' };
const EVENTS: Record<string, Record<string, string>> = {
  StasisStart: { args: 'List[string]', channel: 'Channel', replace_channel: 'Channel?' },
  StasisEnd: { channel: 'Channel' },
  ChannelCreated: { channel: 'Channel' },
  ChannelDestroyed: { cause: 'int', cause_txt: 'string', channel: 'Channel' },
  ChannelStateChange: { channel: 'Channel' },
  ChannelDialplan: { channel: 'Channel', dialplan_app: 'string', dialplan_app_data: 'string' },
  ChannelVarset: { variable: 'string', value: 'string', channel: 'Channel?' },
  ChannelHangupRequest: { cause: 'int?', soft: 'boolean?', channel: 'Channel' },
  ChannelEnteredBridge: { bridge: 'Bridge', channel: 'Channel?' },
  ChannelLeftBridge: { bridge: 'Bridge', channel: 'Channel' },
  BridgeCreated: { bridge: 'Bridge' },
  BridgeDestroyed: { bridge: 'Bridge' },
  Dial: { caller: 'Channel?', peer: 'Channel', forward: 'string?', forwarded: 'Channel?', dialstring: 'string?', dialstatus: 'string' },
  PlaybackStarted: { playback: 'Playback' },
  PlaybackContinuing: { playback: 'Playback' },
  PlaybackFinished: { playback: 'Playback' },
  RecordingStarted: { recording: 'LiveRecording' },
  RecordingFinished: { recording: 'LiveRecording' },
  RecordingFailed: { recording: 'LiveRecording' },
  ApplicationReplaced: {},
};

function eventModels(): Record<string, unknown> {
  const models: Record<string, unknown> = {
    Message: { id: 'Message', properties: props({ type: 'string', asterisk_id: 'string?' }), subTypes: ['Event'] },
    Event: { id: 'Event', extends: 'Message', properties: props({ application: 'string', timestamp: 'Date' }), subTypes: Object.keys(EVENTS) },
  };
  for (const [name, fields] of Object.entries(EVENTS)) models[name] = { id: name, extends: 'Event', properties: props({ ...EVENT_BASE, ...fields }) };
  return models;
}

const SWAGGER_VERSION = '1.2';
const API_VERSION = '10.0.0';

export function resourcesDoc(baseUrl: string): unknown {
  return {
    _copyright: 'Centralita simulator — ARI subset for ari-client',
    apiVersion: API_VERSION,
    swaggerVersion: SWAGGER_VERSION,
    basePath: baseUrl,
    apis: Object.entries(RESOURCES).map(([name, r]) => ({ path: `/api-docs/${name}.{format}`, description: r.description })),
  };
}

export function resourceDoc(name: string, baseUrl: string): unknown | null {
  const r = RESOURCES[name];
  if (!r) return null;
  const models = name === 'events' ? { ...eventModels(), ...modelsWithIds() } : modelsWithIds();
  return {
    apiVersion: API_VERSION,
    swaggerVersion: SWAGGER_VERSION,
    basePath: baseUrl,
    resourcePath: `/api-docs/${name}.{format}`,
    produces: ['application/json'],
    consumes: ['application/json'],
    apis: r.apis,
    models,
  };
}

function modelsWithIds(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(MODELS).map(([id, properties]) => [id, { id, properties }]));
}

export const RESOURCE_NAMES = Object.keys(RESOURCES);
