/**
 * Every `centralita <command>`; npm scripts call these. Each entry loads its module only when run, so a
 * command's dependencies (workers, ffmpeg, the simulator) cost nothing to the others.
 */
export interface CommandModule {
  run(argv: string[]): Promise<number | void>;
}

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}

export const commands: Record<string, CommandEntry> = {
  start: {
    summary: 'Start the engine, API and live board (embedded PBX when ARI_URL is unset)',
    load: () => import('./start-command.js'),
  },
  sim: {
    summary: 'Run only the embedded PBX (ARI simulator) on loopback',
    load: () => import('../../engine/sim/sim-command.js'),
  },
  'amd:eval': {
    summary: 'Evaluate AMD over a folder of labelled WAV files (--dir, --mode)',
    load: () => import('../../engine/amd-lab/eval/eval-command.js'),
  },
  'amd:train': {
    summary: "Train AMD's second opinion on the corpus' tuning split (--dir, --out engine/amd/amd-model.json)",
    load: () => import('../../engine/amd-lab/train/train-command.js'),
  },
  'amd:corpus': {
    summary: "Generate the project's labelled AMD corpus (--out)",
    load: () => import('../../engine/amd-lab/corpus/corpus-command.js'),
  },
  bench: {
    summary: 'Every benchmark (bench:media, bench:api, bench:import), each in its own process (--json: one object last)',
    load: () => import('./bench-all-command.js'),
  },
  'bench:media': {
    summary: 'Benchmark the media plane: concurrent RTP streams into AMD workers (--json)',
    load: () => import('../../engine/media/bench/bench-command.js'),
  },
  'bench:api': {
    summary: 'Benchmark GET /api/calls over 1M CallLogs (p50/p95, query plans) and the live board fan-out to 1,000 clients (--json)',
    load: () => import('../../api/bench/bench-command.js'),
  },
  'bench:cluster-rows': {
    summary: "The wallboard's other-node rows (cluster.rows) at call-center scale: bytes per supervisor per second, CPU per view, beside a node's own board (--nodes 2,4,8, --agents, --json)",
    load: () => import('../../api/bench/cluster-rows-command.js'),
  },
  'bench:import': {
    summary: 'Benchmark a 100k-row lead import (CSV and XLSX, in a worker) against the main event loop: lag p50/p99/max beside an idle baseline (--json)',
    load: () => import('../../engine/imports/bench/bench-command.js'),
  },
  'bench:engine-under-load': {
    summary: 'A predictive campaign on the embedded PBX with and without 200 API clients: drop rate, AMD verdicts, engine and API event-loop lag side by side (--json, --seconds)',
    load: () => import('../load-bench/bench-command.js'),
  },
  'bench:hopper-pg': {
    summary: 'The PostgreSQL hopper: leases/s with 1 and 4 concurrent leasers draining one campaign, SQLite beside them (--db, --leads, --batch, --json)',
    load: () => import('../../bench/hopper-pg-command.js'),
  },
  'bench:pg-loop': {
    summary: "The PostgreSQL product's engine under heavy API load (exports, reports, imports, live-feed sockets): engine event-loop delay, ARI event lateness, answer→bridge, baseline and load in one run (--seconds, --clients, --sockets, --db, --json)",
    load: () => import('../pg-loop-bench/bench-command.js'),
  },
  'asterisk:config': {
    summary: 'Write ari.conf, pjsip.conf (agents, trunk) and the dialplan with fresh secrets (--out, --agents, --trunk)',
    load: () => import('../../engine/deploy/asterisk-config-command.js'),
  },
  doctor: {
    summary: 'Check a deployment: ARI, version, modules, Stasis app, externalMedia and RTP, transmit_silence, clock, database, disk, Redis (--json; exit 1 on a failure)',
    load: () => import('../doctor/doctor-command.js'),
  },
  backup: {
    summary: 'Take a backup now into BACKUP_DIR (or --out DIR): SQLite online backup of DB_PATH, or pg_dump of DATABASE_URL when postgres://',
    load: () => import('../backup/backup-command.js'),
  },
  restore: {
    summary: 'Restore DB_PATH from a backup file (--from FILE, or --latest from BACKUP_DIR), or a .pgdump into an empty DATABASE_URL; the engine must be stopped',
    load: () => import('../backup/restore-command.js'),
  },
  'db:migrate': {
    summary: 'Apply pending migrations: PostgreSQL when DATABASE_URL (or --url) is postgres://…, else the SQLite DB_PATH',
    load: () => import('../db/migrate-command.js'),
  },
  node: {
    summary: 'Run one engine node of a multi-node call center on PostgreSQL (DATABASE_URL=postgres://…, NODE_ID; embedded PBX when ARI_URL is unset; GET /health on HEALTH_PORT)',
    load: () => import('../node/node-command.js'),
  },
  'campaign:command': {
    summary: 'Start, pause or stop a campaign on every node of a PostgreSQL call center: stored in DATABASE_URL, published over REDIS_URL when set (<campaign-id> start|pause|stop, --json)',
    load: () => import('../node/campaign-command.js'),
  },
  'db:copy': {
    summary: 'Copy every table from SQLite to PostgreSQL in one transaction, verified (--from sqlite:PATH --to postgres://…, --force-empty-target)',
    load: () => import('../db/copy-command.js'),
  },
  simulate: {
    summary: 'What-if pacing simulation of a campaign (--scenario, --agents, --json)',
    load: () => import('../../engine/pacing/simulate/simulate-command.js'),
  },
  'pacing:pbx': {
    summary: 'Predictive campaign on the embedded PBX vs the what-if simulator: both abandon rates (--agents, --minutes, --json)',
    load: () => import('../../bench/pacing-pbx-command.js'),
  },
  'web:build': {
    summary: 'Build the browser app into web/dist (npm start builds it when missing or stale)',
    load: () => import('../web/build-command.js'),
  },
  'web:dev': {
    summary: 'Vite dev server for the browser app with hot reload, against a running product (CENTRALITA_URL)',
    load: () => import('../web/dev-command.js'),
  },
  'web:api-types': {
    summary: "Regenerate the web app's API types (web/src/api/schema.d.ts) from /openapi.json",
    load: () => import('../web/api-types-command.js'),
  },
  screenshots: {
    summary: 'PNG of every web screen in English and Spanish from a fresh demo, into screenshots/ (--out, --only a,b)',
    load: () => import('./screenshots-command.js'),
  },
  'queuelog:report': {
    summary: 'Queue statistics from an Asterisk queue_log (file, .gz or folder of rotated files; --queues-conf, --servicelevel q=20,…, --tz, --json)',
    load: () => import('../../engine/analytics/report-command.js'),
  },
  'bench:queuelog': {
    summary: 'queue_log parsing into metrics on a generated 5 M-line file beside `wc -l` on the same file, peak memory (--lines, --json)',
    load: () => import('../../engine/analytics/bench/bench-command.js'),
  },
  'bench:wallboard': {
    summary: 'The wallboard with 500 agents and 300 live calls at the feed’s rate in chromium: long tasks > 50 ms (--seconds, --rate, --json)',
    load: () => import('../web/wallboard-bench-command.js'),
  },
};
