/**
 * `centralita start` (npm start): validates the configuration, starts the product, prints one banner line and
 * shuts down gracefully on SIGINT/SIGTERM: dialling stops at once, live calls get SHUTDOWN_GRACE_SECONDS, CallLogs
 * are closed, and the process exits within the grace plus a few seconds whatever state Asterisk is in (a hard
 * deadline ends it if anything hangs). A second signal exits at once. Start-up failures are one line, exit 1.
 */
import { ConfigError, loadConfig, type Config } from '../../engine/config/index.js';
import { createLogger } from '../../engine/log/index.js';
import { guardStorageFailures, startProduct, type Product } from '../index.js';
import { ensureWebBuilt } from '../web/index.js';
import { redactUrl } from '../../engine/store/index.js';

/** Seconds of clean-up allowed after the grace (agents out, leads given back, sockets closed). */
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
  const login = product.generatedAdminPassword
    ? ` Web app: ${where}/ — first login: admin / ${product.generatedAdminPassword} (shown once; you will be asked to change it).`
    : ` Web app: ${where}/`;
  // PostgreSQL is, in this version, the target of db:migrate / db:copy and the multi-node hopper only: an engineer who
  // sets DATABASE_URL expecting the product to run on it must be told where the data really goes.
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) {
    process.stdout.write(
      `Note: DATABASE_URL is set (${redactUrl(databaseUrl)}), but this version's engine and API keep their data in SQLite at ${config.DB_PATH}; PostgreSQL is used by \`centralita db:migrate\`, \`db:copy\` and engine nodes (\`centralita node\`, docs/scale-out.md).\n`,
    );
  }
  process.stdout.write(`${banner}${login}\n`);

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
