/** `centralita web:build` (npm run build:web): always rebuilds web/dist. */
import { buildWeb, WEB_DIST } from './build.js';

export async function run(): Promise<number> {
  process.stdout.write('Building the web app…\n');
  const { ms } = await buildWeb();
  process.stdout.write(`Web app built in ${(ms / 1000).toFixed(1)} s → ${WEB_DIST}\n`);
  return 0;
}
