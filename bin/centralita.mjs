#!/usr/bin/env node
// The one CLI entry. Sources are TypeScript run through tsx's loader (no build step on the machines).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/main.ts');
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
