/**
 * SIM_SCENARIO (app/sim-scenario.ts): the embedded PBX's +1777nnnnnnn numbers play lead n's fate drawn from a
 * pacing scenario — the same draw as the what-if simulator's `leadFate` — with audio a real AMD judges: a person's
 * short opener then quiet, a machine's long greeting. (The two-node test runs it end to end on the real AMD.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simScenarioRules } from '../../../app/sim-scenario.js';
import { loadConfig } from '../../../engine/config/index.js';
import { leadFate, loadScenario } from '../../../engine/pacing/index.js';
import { mulberry32 } from '../../../engine/random/index.js';
import { pacingPhone, type CalleePlan, type ScenarioRule } from '../../../engine/sim/index.js';

const planOf = (rule: ScenarioRule, phone: string): CalleePlan => {
  const endpoint = `PJSIP/${phone}@trunk`;
  const digits = phone.replace(/\D/g, '');
  expect(typeof rule.match === 'function' && rule.match(endpoint, digits)).toBe(true);
  if (typeof rule.script !== 'function') throw new Error('a script function was expected');
  return rule.script({ rng: mulberry32(1), seed: 11, endpoint });
};

/** Mean absolute sample level of each 100 ms of a plan's answer audio, for its first `ms`. */
function levels(plan: CalleePlan, ms: number): number[] {
  if (plan.outcome.kind !== 'answer') throw new Error('not answered');
  const src = plan.outcome.audio();
  const frame = new Int16Array(160);
  const out: number[] = [];
  for (let t = 0; t < ms; t += 100) {
    let sum = 0;
    for (let f = 0; f < 5; f++) {
      if (!src.next(frame)) frame.fill(0);
      for (const v of frame) sum += Math.abs(v);
    }
    out.push(sum / 800);
  }
  return out;
}

describe('SIM_SCENARIO', () => {
  it('is an optional setting; empty means unset', () => {
    expect(loadConfig({ SIM_SCENARIO: 'standard' }).SIM_SCENARIO).toBe('standard');
    expect(loadConfig({ SIM_SCENARIO: '' }).SIM_SCENARIO).toBeUndefined();
    expect(loadConfig({}).SIM_SCENARIO).toBeUndefined();
  });

  it('adds no rule when unset, and names itself when the scenario cannot be read', async () => {
    expect(await simScenarioRules(undefined, 1)).toEqual([]);
    await expect(simScenarioRules('/nonexistent/scenario.json', 1)).rejects.toThrow(/^SIM_SCENARIO "\/nonexistent\/scenario.json": /);
    const dir = mkdtempSync(join(tmpdir(), 'sim-scenario-'));
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'bad' }));
      await expect(simScenarioRules(join(dir, 'bad.json'), 1)).rejects.toThrow(/^SIM_SCENARIO ".*bad\.json": /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("plays each lead's fate as the what-if simulator draws it (by name or path, with SIM_SEED)", async () => {
    const sc = await loadScenario('standard');
    const [rule] = await simScenarioRules('standard', 5);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const f = leadFate(sc, 5, i);
      const plan = planOf(rule!, pacingPhone(i));
      seen.add(f.truth);
      if (f.truth === 'human') {
        expect(plan.outcome).toMatchObject({ kind: 'answer', atMs: f.ringMs, hangupAfterMs: Math.round(sc.amd.humanDecisionS * 1000) + f.talkMs });
      } else if (f.truth === 'machine') {
        expect(plan.outcome).toMatchObject({ kind: 'answer', atMs: f.ringMs });
      } else if (f.truth === 'busy') {
        expect(plan.outcome).toMatchObject({ kind: 'fail', dialstatus: 'BUSY', atMs: sc.busyAfterS * 1000 });
      } else {
        expect(plan.outcome).toEqual({ kind: 'noanswer' });
      }
    }
    expect([...seen].sort()).toEqual(['busy', 'human', 'machine', 'no-answer']);
    // Another seed, another list.
    const [other] = await simScenarioRules('standard', 6);
    const differs = Array.from({ length: 50 }, (_, i) => JSON.stringify(planOf(rule!, pacingPhone(i)).outcome) !== JSON.stringify(planOf(other!, pacingPhone(i)).outcome));
    expect(differs.some(Boolean)).toBe(true);
  });

  it('gives a person a short opener then quiet, and a machine a long greeting', async () => {
    const sc = await loadScenario('standard');
    const [rule] = await simScenarioRules('standard', 5);
    const first = (truth: string) => {
      for (let i = 0; ; i++) if (leadFate(sc, 5, i).truth === truth) return planOf(rule!, pacingPhone(i));
    };
    const human = levels(first('human'), 3000);
    const machine = levels(first('machine'), 3000);
    const loud = (xs: number[]) => xs.filter((x) => x > 300).length;
    // "Hello?" within the first second (0.2–0.7 s), then only the line's noise floor.
    expect(loud(human.slice(0, 8))).toBeGreaterThan(0);
    expect(loud(human.slice(10))).toBe(0);
    // A greeting still going at 3 s: what AMD calls a machine.
    expect(loud(machine.slice(10))).toBeGreaterThan(5);
  });
});
