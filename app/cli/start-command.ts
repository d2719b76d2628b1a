/**
 * `centralita start` (npm start): validates the configuration, starts the product, prints one banner line and
 * shuts down cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig } from '../../engine/config/index.js';
import { createLogger } from '../../engine/log/index.js';
import { startProduct } from '../index.js';
import { ensureWebBuilt } from '../web/index.js';

export async function run(): Promise<number> {
  let config;
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
  // The browser app is served from web/dist: (re)built here when missing or older than its sources.
  try {
    await ensureWebBuilt((line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    process.stderr.write(`The web app could not be built (${err instanceof Error ? err.message : String(err)}); the API starts without it.\n`);
  }
  const product = await startProduct(config, logger);
  const where = `http://${config.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : config.HTTP_HOST}:${product.httpPort}`;
  const banner = product.simulated
    ? `Centralita is running against the EMBEDDED Asterisk simulator at ${product.ariUrl} (no ARI_URL set): demo campaign dialing simulated callees. Health: ${where}/health. To use a real Asterisk 22, set ARI_URL, ARI_USERNAME and ARI_PASSWORD (see README).`
    : `Centralita is running against Asterisk at ${product.ariUrl} as Stasis app "${config.ARI_APP}". Health: ${where}/health.`;
  const login = product.generatedAdminPassword
    ? ` Web app: ${where}/ — first login: admin / ${product.generatedAdminPassword} (shown once; you will be asked to change it).`
    : ` Web app: ${where}/`;
  process.stdout.write(`${banner}${login}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await product.close();
  return 0;
}
