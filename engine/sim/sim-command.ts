/** `centralita sim`: runs only the embedded PBX on loopback and prints where and how to connect. */
import { createLogger } from '../log/index.js';
import { startSimulator } from './index.js';
import { TEST_RANGES } from './scenarios.js';

function flag(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

export async function run(argv: string[]): Promise<number> {
  const port = Number(flag(argv, 'port') ?? 8088);
  const seed = Number(flag(argv, 'seed') ?? 1);
  // Realtime (the default, also `--realtime`) paces RTP on the wall clock; --accelerated sends one frame per timer tick.
  const accelerated = argv.includes('--accelerated') && !argv.includes('--realtime');
  const sim = await startSimulator({
    port,
    seed,
    mediaMode: accelerated ? 'accelerated' : 'realtime',
    ...(flag(argv, 'password') ? { password: flag(argv, 'password')! } : {}),
    logger: createLogger(process.env['LOG_LEVEL'] ?? 'info'),
  });
  process.stdout.write(
    `Embedded PBX (Asterisk 22 ARI simulator) at ${sim.url}/ari\n` +
      `ARI_URL=${sim.url} ARI_USERNAME=${sim.username} ARI_PASSWORD=${sim.password}\n` +
      `Test numbers: ${TEST_RANGES.map(([prefix, script]) => `+${prefix}xxxx ${script}`).join(', ')} (see engine/sim/README.md)\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  return 0;
}
