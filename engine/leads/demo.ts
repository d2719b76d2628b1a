/**
 * Synthetic Costa Rica mobile numbers for demos and the simulator. Numbers are drawn from plausible prefix blocks per
 * operator (all valid MOBILE ranges in libphonenumber's metadata) with the market shares Kölbi 40 %, Liberty
 * (ex-Telefónica/Movistar) 35 %, Claro 25 %. They are real-looking and therefore possibly someone's real phone:
 * every lead made from them is flagged synthetic, and `assertDialable` refuses them on a real Asterisk.
 */
import { mulberry32 } from '../random/index.js';
import type { NewLead } from './new-lead.js';

export type Operator = 'kolbi' | 'liberty' | 'claro';
export type SamplingMethod = 'stratified' | 'simple' | 'random';

export interface OperatorPlan {
  operator: Operator;
  label: string;
  share: number;
  /** First three digits of the 8-digit national number, inclusive ranges. */
  blocks: Array<[number, number]>;
}

export const CR_OPERATORS: readonly OperatorPlan[] = [
  { operator: 'kolbi', label: 'Kölbi (ICE)', share: 0.4, blocks: [[830, 899]] },
  { operator: 'liberty', label: 'Liberty (ex-Telefónica)', share: 0.35, blocks: [[600, 649], [570, 579]] },
  { operator: 'claro', label: 'Claro', share: 0.25, blocks: [[700, 739], [500, 509]] },
];

export interface DemoNumber {
  e164: string;
  national: string;
  operator: Operator;
}

export interface DemoOptions {
  /** 1–1000. */
  count: number;
  method: SamplingMethod;
  seed: number;
  /** Numbers to avoid (e.g. already in the campaign). */
  exclude?: ReadonlySet<string>;
}

/** Seeded draws for demo data (the project's one PRNG). */
export const seededRandom = mulberry32;

const blockSize = (p: OperatorPlan): number => p.blocks.reduce((s, [a, b]) => s + (b - a + 1), 0);

function drawInOperator(p: OperatorPlan, rnd: () => number): string {
  let k = Math.floor(rnd() * blockSize(p));
  let prefix = p.blocks[0]![0];
  for (const [a, b] of p.blocks) {
    const n = b - a + 1;
    if (k < n) {
      prefix = a + k;
      break;
    }
    k -= n;
  }
  return `${prefix}${String(Math.floor(rnd() * 100_000)).padStart(5, '0')}`;
}

/** Exact per-operator counts for `count` numbers by largest remainder (stratified sampling). */
export function stratify(count: number, plans: readonly OperatorPlan[] = CR_OPERATORS): Map<Operator, number> {
  const raw = plans.map((p) => ({ op: p.operator, exact: count * p.share }));
  const out = new Map(raw.map((r) => [r.op, Math.floor(r.exact)]));
  let left = count - [...out.values()].reduce((a, b) => a + b, 0);
  for (const r of [...raw].sort((a, b) => (b.exact % 1) - (a.exact % 1))) {
    if (left-- <= 0) break;
    out.set(r.op, out.get(r.op)! + 1);
  }
  return out;
}

/**
 * stratified: exact operator quotas (40/35/25 of `count`); simple: each number picks its operator with the share
 * as probability (simple random sampling of the market); random: uniform over all mobile blocks, ignoring shares.
 */
export function generateDemoNumbers(opts: DemoOptions): DemoNumber[] {
  if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > 1000) throw new RangeError('count must be an integer 1–1000');
  const rnd = seededRandom(opts.seed);
  const used = new Set(opts.exclude ?? []);
  const out: DemoNumber[] = [];
  const draw = (p: OperatorPlan): void => {
    for (;;) {
      const national = drawInOperator(p, rnd);
      const e164 = `+506${national}`;
      if (used.has(e164)) continue;
      used.add(e164);
      out.push({ e164, national, operator: p.operator });
      return;
    }
  };
  if (opts.method === 'stratified') {
    const quotas = stratify(opts.count);
    for (const p of CR_OPERATORS) for (let i = 0; i < quotas.get(p.operator)!; i++) draw(p);
    // Interleave operators so a partial dial run is not all Kölbi first.
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  } else if (opts.method === 'simple') {
    for (let i = 0; i < opts.count; i++) {
      let u = rnd();
      const p = CR_OPERATORS.find((x) => (u -= x.share) < 0) ?? CR_OPERATORS.at(-1)!;
      draw(p);
    }
  } else {
    const total = CR_OPERATORS.reduce((s, p) => s + blockSize(p), 0);
    for (let i = 0; i < opts.count; i++) {
      let k = Math.floor(rnd() * total);
      const p = CR_OPERATORS.find((x) => (k -= blockSize(x)) < 0) ?? CR_OPERATORS.at(-1)!;
      draw(p);
    }
  }
  return out;
}

const FIRST = ['María', 'José', 'Ana', 'Luis', 'Carlos', 'Sofía', 'Daniela', 'Andrés', 'Valeria', 'Jorge', 'Gabriela', 'Diego', 'Fernanda', 'Pablo', 'Laura', 'Esteban'];
const LAST = ['Rodríguez', 'Vargas', 'Jiménez', 'Mora', 'Rojas', 'Araya', 'Solís', 'Alvarado', 'Castro', 'Chaves', 'Quesada', 'Méndez', 'Calderón', 'Salazar'];
const CITIES = ['San José', 'Alajuela', 'Cartago', 'Heredia', 'Liberia', 'Puntarenas', 'Limón', 'Desamparados', 'San Carlos', 'Pérez Zeledón'];

/** Demo leads for a campaign: synthetic numbers plus plausible names and cities, flagged synthetic. */
export function generateDemoLeads(campaignId: string, opts: DemoOptions): NewLead[] {
  const rnd = seededRandom(opts.seed ^ 0x5bd1e995);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return generateDemoNumbers(opts).map((n) => ({
    campaignId,
    phoneE164: n.e164,
    phoneRaw: `${n.national.slice(0, 4)}-${n.national.slice(4)}`,
    name: `${pick(FIRST)} ${pick(LAST)} ${pick(LAST)}`,
    city: pick(CITIES),
    timeZone: 'America/Costa_Rica',
    priority: 1 + Math.floor(rnd() * 5),
    custom: { operator: n.operator },
    synthetic: true,
  }));
}

export class NotDialableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotDialableError';
  }
}

/** Synthetic numbers may exist for real: only the embedded simulator may dial them. */
export function assertDialable(lead: { synthetic: boolean; phoneE164: string }, ctx: { simulated: boolean }): void {
  if (lead.synthetic && !ctx.simulated) {
    throw new NotDialableError(`refusing to dial synthetic lead ${lead.phoneE164} on a real Asterisk`);
  }
}
