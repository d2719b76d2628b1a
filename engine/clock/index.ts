export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './system-clock.js';
export { VirtualClock } from './virtual-clock.js';
export { localDateStart, nextLocalDay, startOfLocalDay, zonedBucketStarts } from './zoned.js';
