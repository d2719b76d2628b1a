/** What engine nodes share through Redis (#18). */
export { SharedAbandonCounters, type AbandonCounts, type RedisClient, type SharedAbandonCountersOptions } from './abandon-counters.js';
