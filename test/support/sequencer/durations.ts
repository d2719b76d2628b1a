/**
 * How long the longest test files take, in ms, as a loaded CI rehearsal measured them (2 forks on 2 cores).
 * Only the order matters: the sequencer starts these first, longest first. A file missing here (or a stale
 * figure) costs only a worse order, never a skipped or failed test. Refresh from a full run's per-file times.
 */
export const KNOWN_DURATIONS_MS: Readonly<Record<string, number>> = {
  'test/both/fault-suite-asterisk.test.ts': 146_077,
  'test/both/fault-suite-sim.test.ts': 131_353,
  'test/integration/start-product.test.ts': 111_692,
  'test/integration/api-leads.test.ts': 65_724,
  'test/both/engine-calls.test.ts': 61_041,
  'test/browser/qa-scorecards.test.ts': 58_281,
  'test/cluster/two-nodes.test.ts': 57_612,
  'test/integration/engine-amd-late.test.ts': 56_351,
  'test/both/recordings-asterisk.test.ts': 48_064,
  'test/browser/roles.test.ts': 40_323,
  'test/integration/engine-under-load.test.ts': 39_747,
  'test/browser/wallboard.test.ts': 39_460,
  'test/integration/engine-sim.test.ts': 39_445,
  'test/integration/live-feed.test.ts': 37_938,
  'test/integration/api-auth.test.ts': 37_651,
  'test/integration/cluster-abandon-campaign.test.ts': 37_313,
  'test/cluster/node-redis-outage.test.ts': 19_879,
};
