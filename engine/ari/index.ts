export * from './types.js';
export { AriError, ariMessageOf, describeAriFailure, type AriFailureKind } from './errors.js';
export {
  connectAri,
  toAriRequest,
  type AriGateway,
  type AriGatewayOptions,
  type AriListeners,
  type AsteriskInfo,
} from './gateway.js';
export { openEventSocket, backoffDelay, eventsUrl, type EventSocket, type EventSocketOptions } from './event-socket.js';
export { DEFAULT_ARI_TIMEOUT_MS } from './rest.js';
