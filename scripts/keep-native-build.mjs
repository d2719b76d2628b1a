#!/usr/bin/env node
// Keeps better-sqlite3's compiled binary as a local prebuild, so the next `npm ci` on this machine unpacks it
// instead of compiling SQLite again (about 90 s on 2 cores). Why: its prebuilt binaries live on github.com, which
// these machines cannot reach, so every install compiles. prebuild-install looks for a local prebuild first, in
// the folder named by npm_config_better_sqlite3_local_prebuilds (.ci/run sets it), and on any trouble (missing,
// corrupt, not loadable: it requires the binary after unpacking) falls back to compiling as before.
// A cache only: whatever goes wrong here is reported and the exit code stays 0.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';

const dir = process.env.npm_config_better_sqlite3_local_prebuilds;
const pkgDir = resolve('node_modules/better-sqlite3');
let tmp;
try {
  if (!dir) process.exit(0);
  const require = createRequire(join(pkgDir, 'package.json'));
  const pkg = require('./package.json');
  const rc = require('prebuild-install/rc')(pkg);
  const util = require('prebuild-install/util');
  const file = join(dir, basename(util.getDownloadUrl({ ...rc, pkg })));
  if (existsSync(file)) process.exit(0);
  // Only a binary that loads and answers is kept.
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  if (db.prepare('select 1 + 1 as n').get().n !== 2) throw new Error('better-sqlite3 answered wrong');
  db.close();
  mkdirSync(dir, { recursive: true });
  tmp = `${file}.${process.pid}.tmp`;
  execFileSync('tar', ['-czf', tmp, '-C', pkgDir, 'build/Release/better_sqlite3.node'], { timeout: 60_000 });
  renameSync(tmp, file);
  console.log(`keep-native-build: kept ${basename(file)} in ${dir} for the next install`);
} catch (err) {
  console.warn(`keep-native-build: not kept (${err instanceof Error ? err.message : String(err)}); the next install compiles it`);
  if (tmp) rmSync(tmp, { force: true });
}
