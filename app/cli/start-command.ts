/**
 * `centralita start` (npm start): validates the configuration, starts the product, prints one banner line and
 * shuts down gracefully on SIGINT/SIGTERM: dialling stops at once, live calls get SHUTDOWN_GRACE_SECONDS, CallLogs
 * are closed, and the process exits within the grace plus a few seconds whatever state Asterisk is in (a hard
 * deadline ends it if anything hangs). A second signal exits at once. Start-up failures are one line, exit 1 (on
 * PostgreSQL, exit 3 when another live process holds this NODE_ID, as `centralita node`).
 *
 * Without DATABASE_URL the product keeps its data in the SQLite file DB_PATH (the default, nothing to install);
 * with DATABASE_URL=postgres://… it runs on PostgreSQL (app/pg): the database must be migrated first
 * (`centralita db:migrate`), and the engine runs as an engine node of the call center (NODE_ID).
 */
import { ConfigError, loadConfig, type Config } from '../../engine/config/index.js';
import { createLogger, type Logger } from '../../engine/log/index.js';
import { guardStorageFailures, startProduct, type Product } from '../index.js';
import { ensureWebBuilt } from '../web/index.js';
import { isPostgresUrl, redactUrl } from '../../engine/store/index.js';
import type { NodeConfig } from '../node/index.js';

/**
 * Seconds of clean-up allowed after the grace (agents out, leads given back, sockets closed). The engine's waits on
 * Asterisk take at most STOP_CLEANUP_MS (3.5 s) of it (engine/shell/engine.ts); the rest is for its last store
 * writes, the servers and the threads.
 */
export const SHUTDOWN_CLEANUP_SECONDS = 6;

/** One line an operator can act on, for an error that stopped the start (no stack trace). */
export function startupFailure(err: unknown, config: Pick<Config, 'HTTP_HOST' | 'HTTP_PORT' | 'DB_PATH'>): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') {
    return `HTTP_PORT ${config.HTTP_PORT} is already in use on ${config.HTTP_HOST}: stop what listens there or set another HTTP_PORT.`;
  }
  if (e?.code === 'EACCES' && e.syscall === 'listen') {
    return `HTTP_PORT ${config.HTTP_PORT} on ${config.HTTP_HOST} needs privileges this process does not have: use a port above 1023.`;
  }
  if (e?.code === 'EADDRNOTAVAIL') return `HTTP_HOST ${config.HTTP_HOST} is not an address of this machine.`;
  return `Centralita could not start: ${err instanceof Error ? err.message : String(err)}`;
}

export async function run(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable and its meaning.\n`);
      return 1;
    }
    throw err;
  }
  // DATABASE_URL chooses PostgreSQL; anything but a postgres:// URL is refused rather than silently ignored.
  const databaseUrl = process.env['DATABASE_URL'];
  let pgConfig: NodeConfig | null = null;
  if (databaseUrl) {
    if (!isPostgresUrl(databaseUrl)) {
      process.stderr.write(`DATABASE_URL must be a postgres:// URL (got ${redactUrl(databaseUrl)}); unset it to keep the data in the SQLite file DB_PATH (${config.DB_PATH}).\n`);
      return 1;
    }
    // The PostgreSQL side (app/node, app/pg: node-postgres, the pg-core schema) is loaded only here: the SQLite
    // product never pays for it (test/unit/architecture/sqlite-product-loads.test.ts).
    const { loadNodeConfig } = await import('../node/index.js');
    try {
      // NODE_ID keeps the product's default (node-1): a single process is the call center's first node.
      pgConfig = loadNodeConfig({ ...process.env, NODE_ID: config.NODE_ID });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\nSee docs/scale-out.md for the variables of a node on PostgreSQL.\n`);
        return 1;
      }
      throw err;
    }
  }
  const logger = createLogger(config.LOG_LEVEL);
  // A database write failure that escaped its handler (disk full) is logged, not fatal; anything else still is.
  guardStorageFailures(process, logger, (code) => process.exit(code));
  // The browser app is served from web/dist: (re)built here when missing or older than its sources.
  try {
    await ensureWebBuilt((line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    process.stderr.write(`The web app could not be built (${err instanceof Error ? err.message : String(err)}); the API starts without it.\n`);
  }
  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal, graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'shutting down: dialing stopped, live calls may finish');
    stopping.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (pgConfig) return runOnPostgres(pgConfig, logger, stopping);

  let product: Product;
  try {
    product = await startProduct(config, logger, {
      signal: stopping.signal,
      // The engine's thread died (an error nothing caught): exit, so a supervisor starts a fresh process, which
      // closes what this one left open (engine_lost) and dials again.
      onEngineLost: () => process.exit(1),
    });
  } catch (err) {
    if (stopping.signal.aborted) return 0; // stopped while still waiting for Asterisk
    logger.debug({ err }, 'start-up failed');
    process.stderr.write(`${startupFailure(err, config)}\n`);
    return 1;
  }
  const where = `http://${config.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : config.HTTP_HOST}:${product.httpPort}`;
  const banner = product.simulated
    ? `Centralita is running against the EMBEDDED Asterisk simulator at ${product.ariUrl} (no ARI_URL set): demo campaign dialing simulated callees. Health: ${where}/health. To use a real Asterisk 22, set ARI_URL, ARI_USERNAME and ARI_PASSWORD (see README).`
    : `Centralita is running against Asterisk at ${product.ariUrl} as Stasis app "${config.ARI_APP}". Health: ${where}/health.`;
  const login = webAppLine(where, product.initialPasswordFile);
  process.stdout.write(`${banner}${login}\n`);
  return untilStopped(config, logger, stopping, product);
}

/**
 * The banner's web-app part. A first start names the file holding the admin's random password, not the password:
 * the banner is console output, which service managers keep in logs that others read.
 */
function webAppLine(where: string, initialPasswordFile: string | undefined): string {
  return initialPasswordFile === undefined
    ? ` Web app: ${where}/`
    : ` Web app: ${where}/ — first login: user admin, password in ${initialPasswordFile} (readable by this user only; you will be asked to change it, and the file is deleted then).`;
}

/** Waits for SIGINT/SIGTERM, closes the product within the grace plus the clean-up seconds, and exits. */
async function untilStopped(config: Config, logger: Logger, stopping: AbortController, product: { close(): Promise<void> }): Promise<number> {
  if (!stopping.signal.aborted) await new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  // Whatever hangs (a socket, a request nobody answers), the process ends by this deadline.
  const deadline = setTimeout(() => {
    logger.error('shutdown did not finish in time: exiting anyway');
    process.exit(1);
  }, (config.SHUTDOWN_GRACE_SECONDS + SHUTDOWN_CLEANUP_SECONDS) * 1000);
  await product.close();
  clearTimeout(deadline);
  logger.info('stopped');
  // Nothing is left to do: do not wait for stray handles (keep-alive sockets of clients, timers of libraries).
  process.exit(0);
}

/** `npm start` with DATABASE_URL=postgres://…: the same product on PostgreSQL (app/pg), its own banner. */
async function runOnPostgres(cfg: NodeConfig, logger: Logger, stopping: AbortController): Promise<number> {
  const config = cfg.base;
  const { sqliteKeptLine, startPgProduct } = await import('../pg/index.js');
  const { NODE_ID_TAKEN } = await import('../node/index.js');
  let product;
  try {
    product = await startPgProduct(cfg, logger, {
      signal: stopping.signal,
      // Another node found this one dead and closed its calls: exit, so a supervisor starts a fresh process.
      onEngineLost: () => process.exit(1),
    });
  } catch (err) {
    if (stopping.signal.aborted) return 0;
    logger.debug({ err }, 'start-up failed');
    process.stderr.write(`${startupFailure(err, config)}\n`);
    // Another process runs this NODE_ID (refused in the node's thread, the code kept across its port): a
    // configuration to fix, not a failure a supervisor's restart would mend — exit 3, as `centralita node`.
    return (err as { code?: unknown }).code === NODE_ID_TAKEN ? 3 : 1;
  }
  const where = `http://${config.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : config.HTTP_HOST}:${product.httpPort}`;
  const pbx = product.simulated
    ? `against the EMBEDDED Asterisk simulator (no ARI_URL set; no demo campaign on PostgreSQL: create one in the web app)`
    : `against Asterisk at ${product.ariUrl} as Stasis app "${config.ARI_APP}"`;
  const banner = `Centralita is running on PostgreSQL at ${product.databaseUrl} as node ${product.nodeId}, ${pbx}. Health: ${where}/health.`;
  const login = webAppLine(where, product.initialPasswordFile);
  process.stdout.write(`${banner}${login}\n${sqliteKeptLine(config.DB_PATH)}\n`);
  return untilStopped(config, logger, stopping, product);
}
