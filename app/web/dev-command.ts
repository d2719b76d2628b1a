/**
 * `centralita web:dev` (npm run dev:web): Vite's dev server with hot reload, proxying /api, /socket.io and /health
 * to a running product (CENTRALITA_URL, default http://127.0.0.1:8080; start one with `npm start`).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { WEB_DIR } from './build.js';

export async function run(argv: string[]): Promise<number> {
  const req = createRequire(join(WEB_DIR, 'package.json'));
  const pkgPath = req.resolve('vite/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> };
  const target = process.env.CENTRALITA_URL ?? 'http://127.0.0.1:8080';
  process.stdout.write(`Vite dev server for web/, forwarding the API to ${target} (set CENTRALITA_URL to change it).\n`);
  const child = spawn(process.execPath, [join(dirname(pkgPath), pkg.bin.vite!), ...argv], { cwd: WEB_DIR, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}
