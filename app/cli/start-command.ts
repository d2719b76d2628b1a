/**
 * `centralita start` (npm start): validates the configuration, starts the product, prints one banner line and
 * shuts down cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig } from '../../engine/config/index.js';
import { createLogger } from '../../engine/log/index.js';
import { startProduct } from '../index.js';

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
  const product = await startProduct(config, logger);
  const where = `http://${config.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : config.HTTP_HOST}:${product.httpPort}`;
  const banner = product.simulated
    ? `Centralita is running against the EMBEDDED Asterisk simulator at ${product.ariUrl} (no ARI_URL set): demo campaign dialing simulated callees. Health: ${where}/health. To use a real Asterisk 22, set ARI_URL, ARI_USERNAME and ARI_PASSWORD (see README).`
    : `Centralita is running against Asterisk at ${product.ariUrl} as Stasis app "${config.ARI_APP}". Health: ${where}/health.`;
  process.stdout.write(`${banner}\n`);

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
