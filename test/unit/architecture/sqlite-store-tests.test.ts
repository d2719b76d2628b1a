/**
 * Issue #18: "the full test suite passes on SQLite and on PostgreSQL". Every test file that opens the SQLite store —
 * `openStore(…)` itself, the SQLite API harness (`harness` of test/unit/api/harness.ts), or a test/support rig that
 * opens one (pbx-rig, fault-rig…) — is in this inventory with the dialects it runs on and why. A new such file that
 * neither runs on both dialects (describeDialects / describeApiDialects, or a loop over DIALECTS) nor says here why it is SQLite-only fails
 * this test, so the table in docs/testing.md stays the suite's true state. Files that only use the dialect harnesses
 * need no entry; one that runs part of its cases on SQLite only (a slow file whose PostgreSQL run is a subset) may
 * have a `both` entry naming that part.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSources } from '../../support/source-tree.js';

/**
 * - both: one body on SQLite and PostgreSQL; `why` says what the file still opens SQLite for, or what it runs on
 *   SQLite only.
 * - sqlite: SQLite-only by design (the file's bytes, its full disk, its backup, processes on one file, the
 *   single-process product's engine), or nothing it reads depends on the dialect (the app's default store only hosts it).
 * - postgres: a PostgreSQL test that opens a SQLite file only to seed, to compare against, or to host an API over PostgreSQL ports.
 * - pending: code the PostgreSQL product runs too, not yet on PostgreSQL here: `why` says what covers it meanwhile.
 */
type On = 'both' | 'sqlite' | 'postgres' | 'pending';
const SQLITE_STORE_TESTS: Record<string, { on: On; why: string }> = {
  // Both dialects, with a SQLite-only part.
  'test/integration/store-call-logs.test.ts': { on: 'both', why: 'SQLite part: the file itself (directory, WAL, migrations once; PostgreSQL: store-pg-migrate) and CallLogRepo.list/countByDisposition, SQLite repository reads of the load bench (app/load-bench) with no PostgreSQL twin' },
  'test/integration/store-hopper.test.ts': { on: 'both', why: 'SQLite part: processes leasing and migrating one file at once (PostgreSQL nodes racing: store-pg-hopper)' },
  'test/integration/leads-import.test.ts': { on: 'both', why: 'SQLite part: exportCallResults, a CLI that reads the SQLite store only' },
  'test/integration/import-limits.test.ts': { on: 'both', why: "SQLite part: an import on a full disk (SQLITE_FULL); PostgreSQL's refused writes: store-pg-lead-imports-outage" },
  'test/integration/api-auth-dialects.test.ts': { on: 'both', why: "its SQLite side builds the app over a store of its own (the authStore port over it)" },
  'test/integration/api-lead-locks.test.ts': { on: 'both', why: "SQLite part: LeadLockRepo on two connections to one file; PostgreSQL's lock is the lead catalog's, run by the routes on both" },
  'test/integration/api-calls.test.ts': { on: 'both', why: 'the SQLite API harness hosts a PostgreSQL-only case: pgCallHistory over an unreachable pool' },
  'test/integration/api-lead-imports.test.ts': { on: 'both', why: "PostgreSQL-only part: the app's refusal of a SQLite import queue beside PostgreSQL leads builds a SQLite store of its own" },
  'test/integration/engine-amd-late.test.ts': { on: 'both', why: "SQLite part: the paused machine and the 24 corpus humans (the watch's cues, live against offline verdicts: the detector's, not the store's); PostgreSQL runs the short-greeting machine (markAmdLate, saveAmdTrace)" },
  'test/integration/engine-media-amd.test.ts': { on: 'both', why: "SQLite part: the full mix (machines' beeps, dead air, no answer, congestion, the RTP ports' reuse: the plane's and the detector's); PostgreSQL runs a human, a hang-up during AMD and a busy line (AMD columns, kept traces)" },
  'test/both/engine-calls.test.ts': { on: 'both', why: 'SQLite part: the full plan on both PBXs (hang-ups from each side, the machine, no answer, congestion, the corpus verdicts; the simulator twin); PostgreSQL runs a human and a busy line on the real Asterisk' },
  'test/both/recordings-asterisk.test.ts': { on: 'both', why: "SQLite part: the pause-and-resume call (Asterisk's file, its deletion, the transcode); PostgreSQL runs the call that ends while paused (row, pause closed at the call's end, recording_ref)" },
  'test/integration/campaign-load.test.ts': { on: 'both', why: "SQLite part: the whole single-process product (startProduct over its file): the API's list, the 422 and the fixed start (PostgreSQL's 422: the start route's, api-campaigns-pg)" },
  'test/integration/call-list-phone-plan.test.ts': { on: 'both', why: "each dialect's planner read directly (EXPLAIN over the call list's WHERE): the SQLite side opens a file of its own, the harnesses expose no planner" },
  'test/integration/engine-agent-campaigns.test.ts': { on: 'both', why: "SQLite part: the engine control's refusal of an overlapping team (PostgreSQL's: the start route's, api-campaigns-pg)" },
  'test/integration/engine-agent-dial-in.test.ts': { on: 'both', why: "SQLite part: an unknown phone, an ARI reconnect and the simulator's StasisStart, call flow the store takes no part in" },
  'test/integration/engine-control.test.ts': { on: 'both', why: "SQLite part: app/engine-control's own answers (refusals, live figures, test calls, agent commands); PostgreSQL's: the start route's refusals (api-campaigns-pg), app/pg/node-control, agents following their rows (engine-agent-campaigns)" },
  'test/integration/engine-faults.test.ts': { on: 'both', why: "every case on both (dialectPbxRigs): listed only because it imports pbx-rig, whose pbxRigs opens a SQLite file" },
  'test/integration/recordings-engine.test.ts': { on: 'both', why: "every case on both (recording-rig over dialectPbxRigs): listed only because recording-rig imports pbx-rig, whose pbxRigs opens a SQLite file" },
  'test/integration/recordings-failures.test.ts': { on: 'both', why: "every case on both (recording-rig over dialectPbxRigs): listed only because recording-rig imports pbx-rig, whose pbxRigs opens a SQLite file" },
  'test/both/fault-suite-sim.test.ts': { on: 'both', why: "SQLite part: the full disk under the SQLite file (PostgreSQL's refused writes: store-pg-*-outage); the ARI cut and outage with Redis lost, the Asterisk restart and the kill -9 restart run on both products" },
  'test/both/fault-suite-asterisk.test.ts': { on: 'both', why: "as fault-suite-sim, on the real Asterisk 22.10.1: SQLite part: the full disk under the SQLite file; the ARI cut and outage with Redis lost, the Asterisk restart and the kill -9 restart run on both products" },
  'test/integration/engine-sim.test.ts': { on: 'both', why: "SQLite part: the 200-lead seeded mix and a bot's concurrency cap, call flow whose CallLog writes run on both in the reconnect, restart and hopper cases" },
  // SQLite by design.
  'test/integration/store-disk-full.test.ts': { on: 'sqlite', why: 'the SQLite file on a full tmpfs (SQLITE_FULL), its write queue and the start guard of the single-process product' },
  'test/integration/backup-restore.test.ts': { on: 'sqlite', why: "SQLite's online backup and restore of the file (PostgreSQL: pg-backup)" },
  'test/integration/calls-query.test.ts': { on: 'sqlite', why: "listCalls' dense-team path is a SQLite planner hint with no PostgreSQL twin; the results on both: store-dialect-call-history" },
  'test/integration/api-trunk-secrets.test.ts': { on: 'sqlite', why: "the SQLite file's bytes (WAL included) never hold a trunk password; the sealed value on both: store-dialect-trunk-catalog" },
  'test/both/agent-push.test.ts': { on: 'sqlite', why: "Asterisk's refusal of a push; nothing read depends on the dialect (pushes on PostgreSQL: cluster-config-push)" },
  'test/both/trunk-push.test.ts': { on: 'sqlite', why: "ARI dynamic configuration on Asterisk and a stand-in; nothing read depends on the dialect (pushes on PostgreSQL: cluster-config-push)" },
  'test/integration/api-security-headers.test.ts': { on: 'sqlite', why: 'HTTP headers and CSP: nothing read depends on the dialect' },
  'test/integration/web-serving.test.ts': { on: 'sqlite', why: 'static files and SPA fallback: nothing read depends on the dialect' },
  'test/integration/live-cluster-board.test.ts': { on: 'sqlite', why: "the board is Redis's (the PostgreSQL product's); the app's auth over SQLite (on both: api-auth-dialects)" },
  'test/unit/api/health.test.ts': { on: 'sqlite', why: 'the health route over a given report: nothing read depends on the dialect' },
  'test/unit/api/password-cost.test.ts': { on: 'sqlite', why: "scrypt's cost of the stored hashes; users on both: api-auth-dialects" },
  'test/unit/api/queues.test.ts': { on: 'sqlite', why: 'the queue figures of a queue_log file (PostgreSQL: queue-log-table-pg)' },
  'test/unit/api/queues-range.test.ts': { on: 'sqlite', why: 'the queue figures of a queue_log file (PostgreSQL: queue-log-table-pg)' },
  'test/unit/api/recordings-nodes.test.ts': { on: 'sqlite', why: 'the routes with a stand-in node client; the real node over PostgreSQL: node-recordings-pg' },
  'test/unit/api/reports.test.ts': { on: 'sqlite', why: "the PDF/XLSX rendering over a seeded SQLite; the figures on both: store-dialect-reports, api-reports" },
  'test/unit/api/route-audit.test.ts': { on: 'sqlite', why: "Hono's route table and each route's roles: nothing read depends on the dialect" },
  'test/unit/web/problems-server-rules.test.ts': { on: 'sqlite', why: "the schemas' 422 details: nothing read depends on the dialect" },
  'test/unit/node/campaign-follower.test.ts': { on: 'sqlite', why: "an in-memory SQLite builds one campaign row (the node's follower is tested over a stand-in reader)" },
  // PostgreSQL tests with a SQLite file beside them.
  'test/integration/api-campaigns-pg.test.ts': { on: 'postgres', why: 'the SQLite API harness hosts PostgreSQL ports (pgCampaignCatalog)' },
  'test/integration/cluster-campaign-command-cli.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database (db:copy)' },
  'test/integration/cluster-config-push.test.ts': { on: 'postgres', why: "the SQLite API harness hosts PostgreSQL ports (the PostgreSQL product's config push)" },
  'test/integration/node-agent-events-pg.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database; the API over pgCallMetrics' },
  'test/integration/node-recordings-pg.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database' },
  'test/integration/product-recordings-pg.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database' },
  'test/integration/queue-log-table-pg.test.ts': { on: 'postgres', why: 'the SQLite API harness hosts the queue figures of the PostgreSQL queue_log table' },
  'test/integration/store-pg-campaign-today.test.ts': { on: 'postgres', why: "compares PostgreSQL's figures with SQLite's over the same CallLogs" },
  'test/integration/store-pg-cluster-nodes.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database' },
  'test/integration/store-pg-copy.test.ts': { on: 'postgres', why: 'db:copy from a SQLite file to PostgreSQL' },
  'test/integration/store-pg-hopper.test.ts': { on: 'postgres', why: "compares PostgreSQL's lease order with SQLite's over the same leads" },
  'test/cluster/api-agents-remote.test.ts': { on: 'postgres', why: 'the SQLite API harness hosts PostgreSQL ports (pgAgentDirectory)' },
  'test/cluster/api-hangup-remote.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database; the API over pgCallHistory' },
  'test/cluster/node-queue-log-catch-up.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database' },
  'test/cluster/two-nodes.test.ts': { on: 'postgres', why: 'a SQLite file seeds the PostgreSQL database' },
  // Pending: none left (the PostgreSQL product runs this code too: a new such file is listed here with what covers it).
};

const sources = readSources('test');
const text = new Map(sources.map((s) => [s.path, s.text]));

/**
 * The harnesses that run one body on SQLite and on PostgreSQL, or a loop over both dialects that hands each to one
 * body (the fault suite's: `for (const dialect of DIALECTS) faultSuite('sim', dialect)`, a product process per dialect).
 */
const BOTH = /\b(describeDialects|describeApiDialects)\(|\bfor \(const (\w+) of DIALECTS\)[^\n]*\(\s*[^)]*\b\2\b/;
/** The dialect harness itself opens SQLite files for its SQLite side: not a rig of its own. */
const DIALECT_SUPPORT = new Set(['test/support/store-dialects.ts']);
const API_HARNESS = 'test/unit/api/harness.ts';
/** test/support modules that open a SQLite store for the tests that import them: directly, or through another rig
 *  they import (recording-rig builds on pbx-rig's store without calling openStore itself). */
const SQLITE_RIGS = new Set(sources.filter((s) => s.path.startsWith('test/support/') && !DIALECT_SUPPORT.has(s.path) && /\bopenStore\(/.test(s.text)).map((s) => s.path));
for (let grew = true; grew; ) {
  grew = false;
  for (const s of sources) {
    if (!s.path.startsWith('test/support/') || DIALECT_SUPPORT.has(s.path) || SQLITE_RIGS.has(s.path)) continue;
    if (imports(s.path, s.text).some((i) => SQLITE_RIGS.has(i.target))) {
      SQLITE_RIGS.add(s.path);
      grew = true;
    }
  }
}

/** What a file's static imports resolve to (repo-relative, .js → .ts), with the names imported. */
function imports(file: string, src: string): Array<{ target: string; names: string }> {
  const out: Array<{ target: string; names: string }> = [];
  for (const m of src.matchAll(/import\s+(?:type\s+)?([^'"]*?)\s*from\s*'(\.[^']+)'/g)) {
    out.push({ names: m[1]!, target: path.posix.join(path.posix.dirname(file), m[2]!).replace(/\.js$/, '.ts') });
  }
  return out;
}

/** Why a test file counts as opening the SQLite store; null when it does not. */
function opensSqlite(file: string, src: string): string | null {
  if (/\bopenStore\(/.test(src)) return 'openStore';
  for (const i of imports(file, src)) {
    if (i.target === API_HARNESS && /\{[^}]*\bharness\b[^}]*\}/.test(i.names)) return 'the SQLite API harness';
    if (SQLITE_RIGS.has(i.target)) return i.target;
  }
  return null;
}

/** This file names what it looks for. */
const SELF = 'test/unit/architecture/sqlite-store-tests.test.ts';
const opening = sources.filter((s) => s.path.endsWith('.test.ts') && s.path !== SELF && opensSqlite(s.path, s.text) !== null).map((s) => s.path);

describe('test files that open the SQLite store', () => {
  it('the search finds them (the rigs and a known file of each kind)', () => {
    expect([...SQLITE_RIGS].sort()).toEqual(expect.arrayContaining(['test/support/pbx-rig.ts', 'test/support/recording-rig.ts']));
    expect(opening).toEqual(expect.arrayContaining(['test/integration/store-disk-full.test.ts', 'test/integration/api-security-headers.test.ts', 'test/integration/engine-sim.test.ts']));
  });

  it('each is in the inventory: on both dialects, or why not', () => {
    const missing = opening.filter((f) => !(f in SQLITE_STORE_TESTS));
    expect(missing, 'run it on both dialects (describeDialects / describeApiDialects) or add it to SQLITE_STORE_TESTS in test/unit/architecture/sqlite-store-tests.test.ts with its reason').toEqual([]);
  });

  it('the inventory holds no file that is gone or no longer opens the SQLite store (a dialect-harness file may name its SQLite-only part)', () => {
    const partly = (f: string) => SQLITE_STORE_TESTS[f]!.on === 'both' && text.has(f) && BOTH.test(text.get(f)!);
    const stale = Object.keys(SQLITE_STORE_TESTS).filter((f) => !opening.includes(f) && !partly(f));
    expect(stale).toEqual([]);
  });

  it("'both' is what the file does: one body on both dialects; the others do not (or they would be 'both')", () => {
    const wrong = Object.entries(SQLITE_STORE_TESTS)
      .filter(([f, e]) => text.has(f) && BOTH.test(text.get(f)!) !== (e.on === 'both'))
      .map(([f, e]) => `${f}: listed ${e.on}`);
    expect(wrong).toEqual([]);
  });

  it('every entry says why, and docs/testing.md lists it with its dialects', () => {
    expect(Object.entries(SQLITE_STORE_TESTS).filter(([, e]) => e.why.trim().length < 20).map(([f]) => f)).toEqual([]);
    const docs = readFileSync(fileURLToPath(new URL('../../../docs/testing.md', import.meta.url)), 'utf8');
    const rows = new Map([...docs.matchAll(/^\| `([^`]+)` \| (\w+) \|/gm)].map((m) => [m[1]!, m[2]!]));
    const unlisted = Object.entries(SQLITE_STORE_TESTS)
      .filter(([f, e]) => rows.get(f) !== e.on)
      .map(([f, e]) => `${f} (${e.on})`);
    expect(unlisted, 'docs/testing.md: a row "| `<path>` | <on> | …" per inventory entry').toEqual([]);
  });
});
