export { queryDate, zonedQueryDate } from './dates.js';
export { queryPhone } from './phone-query.js';
export { narrowUsers, visibleUserIds, type TeamSource } from './visibility.js';
export { LEGACY_STATUSES, legacyDispositions, legacyLogRow, legacyToDisposition } from './legacy.js';
export { isLeadOfLiveCall, liveCallIdsOf } from './live-access.js';
