/**
 * How long the longest test files take, in ms, as a clean-clone CI rehearsal measured them (ci1 on fe9489f,
 * 2 forks, load 8–11 from other work), plus the files added since at their own run's time.
 * Files that spawn the product (npm start, centralita node, db:migrate, backup …) scaled on 2026-12-07 by the ratio
 * of their time after/before the heavy packages were loaded at first use (ci-time, both runs back to back).
 * Files whose tests log in through the API harness scaled on 2026-12-07 by their time after/before it hashed at the
 * test password cost (ci-speed, both runs back to back at load ~11: api-calls-pg (now in api-calls) 0.16, api-campaign-settings 0.15,
 * api-campaigns-pg 0.18, api-bad-input 0.20, api-prometheus 0.19, api-lead-imports-pg 0.41, api-agents-remote 0.42,
 * api-hangup-remote 0.64, node-agent-events-pg 0.91).
 * Only the order matters: the sequencer starts these first, longest first. A file missing here (or a stale
 * figure) costs only a worse order, never a skipped or failed test. Refresh from a full run's per-file times.
 */
export const KNOWN_DURATIONS_MS: Readonly<Record<string, number>> = {
  'test/both/fault-suite-asterisk.test.ts': 99_800,
  'test/both/fault-suite-sim.test.ts': 99_800,
  'test/cluster/two-nodes.test.ts': 69_100,
  'test/browser/qa.test.ts': 58_500,
  'test/integration/engine-amd-late.test.ts': 53_200,
  'test/both/engine-calls.test.ts': 50_600,
  'test/integration/engine-under-load.test.ts': 42_700,
  'test/browser/qa-scorecards.test.ts': 41_600,
  'test/both/recordings-asterisk.test.ts': 40_600,
  'test/browser/wallboard.test.ts': 39_700,
  'test/browser/wallboard-nodes.test.ts': 39_000,
  'test/integration/start-product.test.ts': 28_500,
  'test/both/amd-live-asterisk.test.ts': 34_300,
  'test/integration/amd-corpus-eval.test.ts': 34_000,
  'test/conformance/trace-replay.test.ts': 31_100,
  'test/browser/trunks.test.ts': 29_400,
  'test/browser/campaign-manager.test.ts': 29_100,
  'test/both/doctor.test.ts': 22_500,
  'test/integration/import-while-dialling.test.ts': 28_100,
  'test/integration/ari-rest-retry-landed.test.ts': 27_400,
  'test/conformance/behaviours-on-both.test.ts': 27_400,
  // pg-twins-2 (2026-12-07): api-calls took in api-calls-pg's history tests on both dialects; scaled from the twin's
  // 4.3 s by the pair's measured time after/before (8.8 + 4.4 s -> 18.2 s, back to back, niced, load ~10).
  'test/integration/api-calls.test.ts': 8_900,
  // A node on its embedded PBX until its agent's first wrap-up ends (its own run: 19 s).
  'test/integration/node-agent-events-pg.test.ts': 17_700,
  'test/integration/node-recordings-pg.test.ts': 26_300,
  // Two PostgreSQL products in one process until a ~4 s recorded call is transcoded (its own run: 16–17 s, load 11–12).
  'test/integration/product-recordings-pg.test.ts': 16_900,
  'test/integration/live-feed.test.ts': 26_500,
  'test/integration/engine-media-amd.test.ts': 25_000,
  'test/integration/cluster-abandon-campaign.test.ts': 25_000,
  'test/browser/agent-phones.test.ts': 25_000,
  'test/integration/api-leads.test.ts': 45_000, // on both dialects since pg-suite: 24.9 s × 1.83 (its local run after/before)
  'test/browser/queues.test.ts': 24_700,
  'test/browser/queues-nodes-pg.test.ts': 17_000,
  'test/browser/form-errors-i18n.test.ts': 24_500,
  'test/browser/roles.test.ts': 23_300,
  'test/browser/reports.test.ts': 21_000,
  'test/cluster/api-hangup-remote.test.ts': 21_100,
  'test/cluster/api-agents-remote.test.ts': 8_500,
  'test/integration/api-campaigns-pg.test.ts': 4_900,
  // Added 2026-12-06 at their own runs' times (helpers', loaded machine).
  // main's 42.6 s plus its recorded call (~10 s: waiting for a recording to be ready).
  'test/integration/start-product-pg.test.ts': 52_600,
  'test/integration/api-lead-imports-pg.test.ts': 11_200,
  'test/integration/pg-backup.test.ts': 30_600,
  'test/integration/start-product-pg-ops.test.ts': 24_500,
  // API route tests run on SQLite and PostgreSQL (describeApiDialects), measured together niced at load ~8.
  // The first four scaled on 2026-12-07 by their time after/before the harness hashed at the test cost (ci-speed,
  // back to back at load ~12): api-auth 57.3 -> 7.5 s (with the decoy at the test cost), api-lead-locks 50.1 -> 11.1 s, api-metrics-team 40.9 ->
  // 11.0 s, api-compat 39.3 -> 9.1 s.
  'test/integration/api-auth.test.ts': 4_500,
  'test/integration/api-lead-locks.test.ts': 7_400,
  // pg-twins-2: + api-metrics-pg's DST-day scenario on both dialects (8.0 s -> 20.7 s measured, back to back, load ~10).
  'test/integration/api-metrics-team.test.ts': 19_700,
  // pg-twins-2: + api-qa-pg's QA and recordings scenario on both dialects (7.3 s -> 11.1 s; scaled like its siblings, ×0.55).
  'test/integration/api-recordings.test.ts': 6_100,
  'test/integration/api-compat.test.ts': 4_500,
  'test/integration/api-campaign-settings.test.ts': 2_700,
  'test/integration/api-prometheus.test.ts': 3_000,
  'test/integration/api-bad-input.test.ts': 3_100,
};
