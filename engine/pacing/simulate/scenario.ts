/**
 * A what-if scenario: the campaign's people and its list, in a JSON file validated with zod. `--scenario`
 * takes a name (engine/pacing/scenarios/<name>.json) or a path.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const probability = z.number().min(0).max(1);

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    agents: z.number().int().min(1).max(10_000),
    shift: z.object({
      start: z.string().regex(/^\d{2}:\d{2}$/, 'HH:MM'),
      hours: z.number().positive().max(24),
      utcOffsetMinutes: z.number().int().default(0),
    }),
    outcomes: z.object({ human: probability, machine: probability, busy: probability }),
    busyAfterS: z.number().positive(),
    ring: z.object({ minS: z.number().nonnegative(), maxS: z.number().positive(), timeoutS: z.number().min(1) }),
    amd: z.object({
      humanDecisionS: z.number().nonnegative(),
      machineDecisionS: z.number().nonnegative(),
      humanAsMachine: probability,
      machineAsHuman: probability,
      machineToAgentLostS: z.number().nonnegative(),
    }),
    talk: z.object({
      distribution: z.enum(['lognormal', 'exponential', 'fixed']),
      meanS: z.number().positive(),
      sdS: z.number().nonnegative().default(0),
    }),
    wrapS: z.number().nonnegative(),
    dropAfterS: z.number().positive().default(2),
    abandon: z.object({ target: probability.default(0.03), rule: z.enum(['us', 'ofcom']).default('us') }),
    powerRatios: z.array(z.number().min(1)).default([2, 3]),
  })
  .refine((s) => s.outcomes.human + s.outcomes.machine + s.outcomes.busy <= 1 + 1e-9, {
    message: 'outcome shares add up to more than 1 (the rest is "no answer")',
  })
  .refine((s) => s.ring.maxS >= s.ring.minS, { message: 'ring.maxS < ring.minS' });

export type Scenario = z.infer<typeof scenarioSchema>;

export const scenariosDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

export function parseScenario(raw: unknown): Scenario {
  return scenarioSchema.parse(raw);
}

export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const path = /[/\\]|\.json$/.test(nameOrPath) ? nameOrPath : join(scenariosDir, `${nameOrPath}.json`);
  const text = await readFile(path, 'utf8');
  return parseScenario(JSON.parse(text) as unknown);
}
