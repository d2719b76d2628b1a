/**
 * How long the longest test files take, in ms, as a clean-clone CI rehearsal measured them: ci1 of 2026-12-07 on
 * 17f09dc (`CI=true bash .ci/run`, 2 forks, nothing else running; every file of the 'real' project of 5 s or more).
 * The 'unit' project's files are queued together at the end by the sequencer (they share forks) and need no entry.
 * The six files #18's PostgreSQL subsets were added to (engine-calls, recordings-asterisk, engine-amd-late,
 * engine-media-amd, recordings-failures, recordings-finish): their ci1 figure plus their PostgreSQL cases' measured
 * seconds (recordings-asterisk: its PostgreSQL case offsets the ~10 s its SQLite paused case no longer waits;
 * recordings-finish: measured whole), until the next rehearsal refreshes them.
 * Only the order matters: the sequencer starts these first, longest first. A file missing here (or a stale
 * figure) costs only a worse order, never a skipped or failed test. Refresh from a full run's per-file times.
 */
export const KNOWN_DURATIONS_MS: Readonly<Record<string, number>> = {
  // ci1's 80.7 s for the SQLite scenarios, plus the PostgreSQL product's three (measured locally: 130.6 s for the
  // file, 80.9 s for its SQLite part alone, at ci1's figure).
  'test/both/fault-suite-sim.test.ts': 130_600,
  'test/both/fault-suite-asterisk.test.ts': 160_000, // 99 s SQLite (ci) + the PostgreSQL product's 3 scenarios (68 s of tests, 86 s for the file, measured alone: -t postgres)
  'test/cluster/two-nodes.test.ts': 60_900,
  'test/both/engine-calls.test.ts': 49_700,
  'test/browser/qa-scorecards.test.ts': 45_800,
  'test/integration/engine-under-load.test.ts': 43_400,
  'test/integration/engine-amd-late.test.ts': 41_400,
  'test/integration/start-product-pg.test.ts': 38_600,
  'test/integration/start-product.test.ts': 38_300,
  'test/both/recordings-asterisk.test.ts': 36_500,
  'test/integration/api-leads.test.ts': 34_300,
  'test/browser/wallboard.test.ts': 31_400,
  'test/integration/engine-media-amd.test.ts': 29_600,
  'test/integration/import-while-dialling.test.ts': 29_000,
  'test/conformance/trace-replay.test.ts': 28_700,
  'test/browser/trunks.test.ts': 26_300,
  'test/browser/qa.test.ts': 24_800,
  'test/conformance/behaviours-on-both.test.ts': 24_300,
  'test/browser/wallboard-nodes.test.ts': 24_300,
  'test/both/recording-ari.test.ts': 23_800,
  'test/browser/wallboard-abandon.test.ts': 23_000,
  'test/browser/queues.test.ts': 23_000,
  'test/browser/form-errors-i18n.test.ts': 22_900,
  'test/browser/campaign-manager.test.ts': 22_600,
  'test/cluster/node-queue-log-catch-up.test.ts': 22_000,
  'test/browser/agent-phones.test.ts': 21_600,
  'test/integration/ari-rest-retry-landed.test.ts': 20_400,
  'test/browser/roles.test.ts': 20_200,
  'test/browser/agent-console.test.ts': 19_300,
  'test/browser/reports.test.ts': 18_900,
  'test/integration/live-feed.test.ts': 18_400,
  'test/cluster/node-duplicate-id.test.ts': 18_000,
  'test/both/amd-live-asterisk.test.ts': 17_900,
  'test/both/doctor.test.ts': 15_800,
  'test/conformance/rtp-snoop-before-answer-trace.test.ts': 15_300,
  'test/both/local-channel-level.test.ts': 14_500,
  'test/integration/product-recordings-pg.test.ts': 14_300,
  'test/integration/product-api-control.test.ts': 13_200,
  'test/integration/engine-pacing-pbx.test.ts': 12_500,
  'test/integration/cluster-abandon-campaign.test.ts': 12_500,
  'test/both/gateway-calls.test.ts': 12_500,
  'test/integration/node-recordings-pg.test.ts': 12_000,
  'test/browser/wallboard-scale.test.ts': 11_700,
  // 7.4 s at ci1, × ~1.55 since its PBX-rig cases also run on PostgreSQL (loaded machine: tests 21.8 s → 27.2 s / 40.8 s); refresh at the next CI.
  'test/integration/recordings-failures.test.ts': 11_500,
  'test/integration/leads-import.test.ts': 11_300,
  // Under 5 s at ci1 (unlisted); its cases now also run on PostgreSQL: × ~2.4 on a loaded machine (tests 6.5 s → 15.9 s, means of 3 and 7 runs).
  'test/integration/recordings-engine.test.ts': 11_000,
  'test/integration/amd-corpus-eval.test.ts': 10_700,
  'test/both/asterisk-config-real.test.ts': 10_700,
  'test/integration/api-lead-imports.test.ts': 10_600,
  'test/integration/pg-backup.test.ts': 9_900,
  // 5.9 s at ci1, × 1.67 since its cases also run on PostgreSQL (measured on a loaded machine: 11.4 s → 19.1 s); refresh at the next CI.
  'test/integration/engine-faults.test.ts': 9_900,
  'test/browser/queues-nodes-pg.test.ts': 9_900,
  'test/integration/node-agent-events-pg.test.ts': 9_800,
  'test/integration/import-limits.test.ts': 9_800,
  'test/both/playback-missing-media.test.ts': 9_800,
  'test/integration/live-feed-nodes-pg.test.ts': 9_100,
  'test/cluster/api-hangup-remote.test.ts': 9_100,
  'test/integration/engine-sim.test.ts': 8_700,
  'test/integration/agents-dashboard-nodes-pg.test.ts': 8_500,
  'test/integration/start-product-pg-ops.test.ts': 7_900,
  'test/cluster/node-redis-outage.test.ts': 7_500,
  'test/integration/store-hopper.test.ts': 6_800,
  'test/integration/start-banner.test.ts': 6_500,
  'test/integration/api-metrics-team.test.ts': 6_400,
  'test/integration/api-calls.test.ts': 6_200,
  'test/cluster/api-agents-remote.test.ts': 6_100,
  'test/both/agent-push.test.ts': 5_800,
  'test/integration/store-pg-copy.test.ts': 5_500,
  'test/integration/recordings-finish.test.ts': 5_400,
  'test/integration/store-pg-lead-imports-outage.test.ts': 5_000,
};
