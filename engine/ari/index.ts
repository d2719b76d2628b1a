export * from './types.js';
export { AriError, ariMessageOf } from './errors.js';
export { connectAri, toAriRequest, type AriGateway, type AriGatewayOptions, type AriListeners } from './gateway.js';
export { openEventSocket, backoffDelay, eventsUrl, type EventSocket, type EventSocketOptions } from './event-socket.js';
