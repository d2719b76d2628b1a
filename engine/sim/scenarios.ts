/**
 * The scenario table: dialed endpoint → callee script. Caller-supplied rules are tried first, then the fixed
 * test ranges (engine/sim/README.md), then agents/bots, then a seeded random mix for everything else.
 */
import { deriveSeed, mulberry32, type Rng } from './audio/rng.js';
import { SCRIPTS, type Script, type ScriptName } from './scripts.js';

export interface ScenarioRule {
  /** A RegExp tested against the whole endpoint and its digits, a string prefix of the digits, or a predicate. */
  match: RegExp | string | ((endpoint: string, digits: string) => boolean);
  script: Script | ScriptName;
}

/** `PJSIP/+15550110001@trunk` → `+15550110001`; `PJSIP/1001` → `1001`. */
export function endpointResource(endpoint: string): string {
  const slash = endpoint.indexOf('/');
  const rest = slash >= 0 ? endpoint.slice(slash + 1) : endpoint;
  const at = rest.indexOf('@');
  return at >= 0 ? rest.slice(0, at) : rest;
}

export const digitsOf = (endpoint: string): string => endpointResource(endpoint).replace(/[^0-9]/g, '');

/** Fixed test ranges: +1 555 01X xxxx, X selects the script. */
export const TEST_RANGES: ReadonlyArray<readonly [string, ScriptName]> = [
  ['1555011', 'human'],
  ['1555012', 'machine'],
  ['1555013', 'no-answer'],
  ['1555014', 'busy'],
  ['1555015', 'congestion'],
  ['1555016', 'unallocated'],
  ['1555017', 'hangup-during-amd'],
  ['1555018', 'silence'],
  ['1555019', 'voicemail-early-media'],
];

/**
 * The script a test number reaches (the digits of an 11-digit +1 555 01X nnnn number), or null outside the
 * ranges. The one place the ranges are read; tests, the scripted AMD double and the CLI help use it.
 */
export function testRangeScript(digits: string): ScriptName | null {
  if (digits.length !== 11) return null;
  for (const [prefix, name] of TEST_RANGES) if (digits.startsWith(prefix)) return name;
  return null;
}

/** The n-th E.164 test number answered by `script` (+1 555 01X nnnn); throws for a script without a range. */
export function testNumber(script: ScriptName, n = 1): string {
  const range = TEST_RANGES.find(([, name]) => name === script);
  if (!range) throw new Error(`the simulator has no test range for script ${script}`);
  return `+${range[0]}${String(n).padStart(4, '0')}`;
}

/** Shares of the random mix for numbers outside the test ranges (the rest rings out). */
export const RANDOM_MIX: ReadonlyArray<readonly [ScriptName, number]> = [
  ['human', 0.25],
  ['machine', 0.35],
  ['busy', 0.05],
  ['congestion', 0.03],
  ['unallocated', 0.02],
];

export const isAgentEndpoint = (endpoint: string): boolean => /^PJSIP\/\d{3,6}$/.test(endpoint);
export const isBotEndpoint = (endpoint: string): boolean => /bot/i.test(endpoint);

function matches(rule: ScenarioRule, endpoint: string, digits: string): boolean {
  const m = rule.match;
  if (typeof m === 'string') return digits.startsWith(m.replace(/[^0-9]/g, '')) || endpoint === m;
  if (m instanceof RegExp) return m.test(endpoint) || m.test(digits);
  return m(endpoint, digits);
}

const resolve = (s: Script | ScriptName): Script => (typeof s === 'string' ? SCRIPTS[s] : s);

export function pickRandom(rng: Rng): ScriptName {
  let x = rng();
  for (const [name, share] of RANDOM_MIX) {
    if (x < share) return name;
    x -= share;
  }
  return 'no-answer';
}

/** Chooses the script for an endpoint. `callSeed` makes the random mix deterministic per call. */
export function chooseScript(endpoint: string, rules: readonly ScenarioRule[], callSeed: number): Script {
  const digits = digitsOf(endpoint);
  for (const rule of rules) if (matches(rule, endpoint, digits)) return resolve(rule.script);
  const tested = testRangeScript(digits);
  if (tested) return SCRIPTS[tested];
  if (isBotEndpoint(endpoint)) return SCRIPTS.bot;
  if (isAgentEndpoint(endpoint)) return SCRIPTS.agent;
  return SCRIPTS[pickRandom(mulberry32(deriveSeed(callSeed, 'mix')))];
}
