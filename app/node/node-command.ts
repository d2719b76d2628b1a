/**
 * `centralita node`: one engine node of a call center on PostgreSQL (#18). Requires DATABASE_URL=postgres://… and
 * NODE_ID; ARI_URL optional (the embedded PBX otherwise, and it says so). Records its campaigns' calls and serves
 * them on its health server (NODE_PUBLIC_URL). Prints the /health URL; on SIGINT/SIGTERM
 * stops dialling, lets live calls finish (SHUTDOWN_GRACE_SECONDS), gives its leases back and marks itself stopped;
 * a second signal exits at once. Exit 1 when another node found it dead (a supervisor restarts it), 2 on a bad
 * configuration, 3 when another process runs this NODE_ID (app/node/node-claim.ts).
 */
import { ConfigError } from '../../engine/config/index.js';
import { createLogger } from '../../engine/log/index.js';
import { guardStorageFailures } from '../engine-parts.js';
import { loadNodeConfig, type NodeConfig } from './node-config.js';
import { NodeIdTakenError } from './node-claim.js';
import { runNode } from './run-node.js';

export async function run(): Promise<number> {
  let cfg: NodeConfig;
  try {
    cfg = loadNodeConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee docs/scale-out.md for a node's variables.\n`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(cfg.base.LOG_LEVEL);
  guardStorageFailures(process, logger, (code) => process.exit(code));
  const stopping = new AbortController();
  let node: Awaited<ReturnType<typeof runNode>> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal, graceSeconds: cfg.base.SHUTDOWN_GRACE_SECONDS }, 'shutting down: dialing stopped, live calls may finish');
    stopping.abort();
    // Whatever hangs, the process ends: the grace plus a few seconds of clean-up.
    setTimeout(() => process.exit(1), (cfg.base.SHUTDOWN_GRACE_SECONDS + 8) * 1000).unref();
    void node?.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // It records its campaigns' calls on this machine's disk and serves them on its health server to API processes.
    node = await runNode(cfg, logger, undefined, stopping.signal, { recordings: true });
  } catch (err) {
    process.stderr.write(`The node could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    // Another process runs this NODE_ID: a configuration to fix, not a failure a supervisor's restart would mend.
    return err instanceof NodeIdTakenError ? 3 : 1;
  }
  if (stopping.signal.aborted) {
    await node.stop();
    return 0;
  }
  process.stdout.write(`centralita node ${cfg.nodeId}: health ${node.healthUrl} · ARI ${node.ari}${node.recordingsUrl ? ` · recordings served at ${node.recordingsUrl}` : ''}\n`);
  const code = await node.ended;
  // Reaped while alive: its calls are closed already; exit so a supervisor starts it fresh.
  await node.stop(0).catch(() => undefined);
  return code;
}
