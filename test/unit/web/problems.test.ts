/**
 * The web's wording of API validation problems: every zod issue code the API can send (made by real zod schemas
 * and the API's own `issuesToDetails`, so a zod upgrade that changes an issue's shape shows here) has text in en
 * and es with every {{placeholder}} filled; codes the web does not know fall back to the API's English.
 */
import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { z } from '@hono/zod-openapi';
import { issuesToDetails } from '../../../api/http/validation.js';
import { patternRule, RULES } from '../../../api/http/rules.js';
import { toApiError } from '../../../api/http/control.js';
import type { ApiError } from '../../../api/http/errors.js';
import { assignmentRefusal, startRefusal } from '../../../engine/control/index.js';
import { parseCampaignSettings } from '../../../engine/campaigns/index.js';
import type { Campaign } from '../../../engine/store/index.js';
import { problemKey, problemText, RULE_KEYS, type ProblemDetail, type Translate } from '../../../web/src/api/problems.js';

const dir = new URL('../../../web/src/i18n/locales/', import.meta.url);
const read = (lang: string) => JSON.parse(readFileSync(new URL(`${lang}.json`, dir), 'utf8')) as Record<string, unknown>;
const en = read('en');
const es = read('es');

async function translator(lng: 'en' | 'es'): Promise<Translate> {
  const i = i18next.createInstance();
  await i.init({ resources: { en: { translation: en }, es: { translation: es } }, lng, fallbackLng: false, interpolation: { escapeValue: false } });
  return (key, options) => i.t(key, options ?? {}) as string;
}

function leaf(o: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k], o);
}

/** The details the API sends for each way a body can be refused (zod's own issues, through the API's mapping). */
function detailsOf(schema: z.ZodType, input: unknown): ProblemDetail[] {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected a refusal');
  return issuesToDetails(r.error.issues);
}

const samples: Array<{ name: string; details: ProblemDetail[]; es: string }> = [
  { name: 'empty required text', details: detailsOf(z.object({ a: z.string().trim().min(1) }), { a: ' ' }), es: 'Obligatorio' },
  { name: 'missing field', details: detailsOf(z.object({ a: z.string() }), {}), es: 'Obligatorio' },
  { name: 'short text', details: detailsOf(z.object({ a: z.string().min(12) }), { a: 'abc' }), es: 'Debe tener al menos 12 caracteres' },
  { name: 'long text', details: detailsOf(z.object({ a: z.string().max(40) }), { a: 'x'.repeat(41) }), es: 'Debe tener como máximo 40 caracteres' },
  { name: 'exact length', details: detailsOf(z.object({ a: z.string().length(3) }), { a: 'ab' }), es: 'Debe tener exactamente 3 caracteres' },
  { name: 'small number', details: detailsOf(z.object({ a: z.number().int().min(1).max(1000) }), { a: 0 }), es: 'Debe ser como mínimo 1' },
  { name: 'big number', details: detailsOf(z.object({ a: z.number().int().min(1).max(1000) }), { a: 5000 }), es: 'Debe ser como máximo 1000' },
  { name: 'positive number', details: detailsOf(z.object({ a: z.number().positive() }), { a: 0 }), es: 'Debe ser mayor que 0' },
  { name: 'below a cap', details: detailsOf(z.object({ a: z.number().lt(1) }), { a: 1 }), es: 'Debe ser menor que 1' },
  { name: 'empty list', details: detailsOf(z.object({ a: z.array(z.string()).min(1) }), { a: [] }), es: 'Elija al menos uno' },
  { name: 'long list', details: detailsOf(z.object({ a: z.array(z.string()).max(2) }), { a: ['a', 'b', 'c'] }), es: 'Debe tener como máximo 2 elementos' },
  { name: 'text for a number', details: detailsOf(z.object({ a: z.number() }), { a: 'two' }), es: 'Debe ser un número' },
  { name: 'fraction for an integer', details: detailsOf(z.object({ a: z.number().int() }), { a: 1.5 }), es: 'Debe ser un número entero' },
  { name: 'number for text', details: detailsOf(z.object({ a: z.string() }), { a: 5 }), es: 'Debe ser un texto' },
  { name: 'not a boolean', details: detailsOf(z.object({ a: z.boolean() }), { a: 'yes' }), es: 'Debe ser sí o no' },
  { name: 'enum', details: detailsOf(z.object({ a: z.enum(['human', 'bot']) }), { a: 'robot' }), es: 'Valor no permitido; opciones: human, bot' },
  { name: 'literal', details: detailsOf(z.object({ a: z.literal('on') }), { a: 'off' }), es: 'Debe ser «on»' },
  { name: 'email', details: detailsOf(z.object({ a: z.email() }), { a: 'nope' }), es: 'Correo electrónico no válido' },
  { name: 'url', details: detailsOf(z.object({ a: z.url() }), { a: 'nope' }), es: 'URL no válida' },
  { name: 'prefix', details: detailsOf(z.object({ a: z.string().startsWith('sip:') }), { a: 'x' }), es: 'Debe empezar por «sip:»' },
  { name: 'multiple', details: detailsOf(z.object({ a: z.number().multipleOf(5) }), { a: 3 }), es: 'Debe ser múltiplo de 5' },
  { name: 'unknown key', details: detailsOf(z.strictObject({ a: z.string() }), { a: 'x', b: 1 }), es: 'No es un campo conocido' },
  { name: 'union', details: detailsOf(z.object({ a: z.union([z.number(), z.boolean()]) }), { a: 'x' }), es: 'Valor no válido' },
  { name: 'record key', details: detailsOf(z.object({ a: z.record(z.string().min(2), z.number()) }), { a: { y: 1 } }), es: 'Valor no válido' },
  // Raised for Map/Set members, which a JSON body cannot hold; worded anyway in case a schema ever parses one.
  { name: 'map element', details: [{ field: 'a', problem: 'Invalid element in map', code: 'invalid_element', params: { origin: 'map' } }], es: 'Valor no válido' },
  { name: 'phone (API domain code)', details: [{ field: 'phone', problem: 'not a phone number: "llamar luego"', code: 'invalid_phone' }], es: 'Formato de teléfono no válido' },
];

/**
 * Every issue code zod can raise. The Record forces this list to follow zod's type: a code added by a zod upgrade
 * fails to compile here until it is listed (and given text, or named a fallback below).
 */
const ZOD_CODES: Record<z.core.$ZodIssue['code'], 'text' | 'fallback'> = {
  invalid_type: 'text',
  too_big: 'text',
  too_small: 'text',
  invalid_format: 'text',
  not_multiple_of: 'text',
  unrecognized_keys: 'text',
  invalid_union: 'text',
  invalid_key: 'text',
  invalid_element: 'text',
  invalid_value: 'text',
  // A refine/addIssue's own English words ("required with username"): nothing generic could say the same.
  custom: 'fallback',
};

describe('API validation problems in the user language', () => {
  it('every sample is one detail with a code the API sent', () => {
    for (const s of samples) {
      expect(s.details, s.name).toHaveLength(1);
      expect(typeof s.details[0]!.code, s.name).toBe('string');
    }
  });

  it('every zod code the API can emit (except custom) has en and es text with its placeholders filled', async () => {
    const [tEn, tEs] = await Promise.all([translator('en'), translator('es')]);
    const covered = new Set<string>();
    for (const s of samples) {
      const d = s.details[0]!;
      covered.add(d.code!);
      const k = problemKey(d);
      expect(k, s.name).not.toBeNull();
      expect(typeof leaf(en, k!.key), `en ${k!.key}`).toBe('string');
      expect(typeof leaf(es, k!.key), `es ${k!.key}`).toBe('string');
      const english = problemText(d, tEn);
      const spanish = problemText(d, tEs);
      expect(english, s.name).not.toMatch(/\{\{|problems\./);
      expect(spanish, s.name).toBe(s.es);
      expect(spanish, s.name).not.toBe(english);
    }
    const withText = Object.entries(ZOD_CODES).filter(([, v]) => v === 'text').map(([k]) => k);
    expect(withText.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('English reads naturally too', async () => {
    const tEn = await translator('en');
    const text = (name: string) => problemText(samples.find((s) => s.name === name)!.details[0]!, tEn);
    expect(text('empty required text')).toBe('Required');
    expect(text('short text')).toBe('Must have at least 12 characters');
    expect(text('enum')).toBe('Value not allowed; options: human, bot');
  });

  it('author-written rules the API names (params.rule) are all known to the web, in en and es', async () => {
    expect(Object.keys(RULE_KEYS).sort()).toEqual([...RULES].sort());
    for (const key of Object.values(RULE_KEYS)) {
      expect(typeof leaf(en, key), `en ${key}`).toBe('string');
      expect(typeof leaf(es, key), `es ${key}`).toBe('string');
    }
    const tEs = await translator('es');
    // A pattern registered with patternRule: zod's issue only has the English hint, the detail names the rule.
    const TRUNK = /^[A-Za-z0-9_-]{1,40}$/u;
    const name = detailsOf(z.object({ n: z.string().regex(TRUNK, patternRule(TRUNK, 'trunk_name', '1–40 letters')) }), { n: 'carrier one' });
    expect(name).toMatchObject([{ code: 'invalid_format', problem: '1–40 letters', params: { format: 'regex', rule: 'trunk_name' } }]);
    expect(problemText(name[0]!, tEs)).toBe('De 1 a 40 letras, dígitos, «_» o «-» (el nombre del endpoint PJSIP)');
    const custom = detailsOf(
      z.object({ u: z.string().optional() }).superRefine((b, ctx) => {
        if (b.u) ctx.addIssue({ code: 'custom', path: ['p'], message: 'required with username', params: { rule: 'required_with_username' } });
      }),
      { u: 'x' },
    );
    expect(problemText(custom[0]!, tEs)).toBe('Obligatorio si se indica usuario de autenticación');
    // The same pattern and words cannot name two rules (the lookup is by what zod's issue keeps: both).
    expect(() => patternRule(TRUNK, 'trunk_host', '1–40 letters')).toThrow(/already rule trunk_name/);
    // The same pattern with other words is another rule.
    const id = detailsOf(z.object({ n: z.string().regex(TRUNK, patternRule(TRUNK, 'criterion_id', 'an item id')) }), { n: 'a b' });
    expect(problemText(id[0]!, tEs)).toBe('Letras, dígitos, «_» o «-», como máximo 40');
  });

  it("a 409 about a field (an agent serving two running power/predictive campaigns) names them in the user's language", async () => {
    const campaign = (id: string, name: string, dialMode: 'power' | 'predictive') => ({ ...parseCampaignSettings({ name, dialMode, ...(dialMode === 'power' && { dialRatio: 2 }) }), id, state: 'running' }) as Campaign;
    const refusal = assignmentRefusal({ id: 'a9', name: 'Marta Solís', campaignIds: null }, [campaign('n', 'Ventas Norte', 'power'), campaign('s', 'Ventas Sur', 'predictive'), campaign('e', 'Ventas Este', 'power')]);
    const err = toApiError(refusal) as ApiError;
    expect(err.status).toBe(409);
    const detail = err.details![0]!;
    expect(detail.field).toBe('campaign_ids');
    expect(problemText(detail, await translator('es'))).toBe(
      'Ventas Norte, Ventas Sur y Ventas Este están en marcha con marcación power o predictiva, y Marta Solís las atendería a la vez: elija campañas de solo una de ellas',
    );
    expect(problemText(detail, await translator('en'))).toBe(
      'Ventas Norte, Ventas Sur, and Ventas Este are running with power or predictive dialling, and Marta Solís would serve them at once: choose campaigns of only one of them',
    );
  });

  it("a start's 409 (a power campaign sharing agents with a running one) names the campaign and the agents; more than ten as +N", async () => {
    const campaign = (id: string, name: string, dialMode: 'power' | 'predictive', state: Campaign['state']) => ({ ...parseCampaignSettings({ name, dialMode, ...(dialMode === 'power' && { dialRatio: 2 }) }), id, state }) as Campaign;
    const north = campaign('n', 'Ventas Norte', 'power', 'running');
    const east = campaign('e', 'Ventas Este', 'power', 'draft');
    const ids = Array.from({ length: 12 }, (_, i) => `a${String(i).padStart(2, '0')}`);
    const refusal = startRefusal(east, [north], () => new Set(ids), (id) => `Agente ${id.slice(1)}`);
    const detail = (toApiError(refusal) as ApiError).details![0]!;
    expect(detail).toMatchObject({ field: 'dialMode', params: { rule: 'shared_agents', campaign: 'Ventas Norte' } });
    expect(problemText(detail, await translator('es'))).toBe(
      'Ventas Norte está en marcha con marcación power o predictiva y comparte agentes con esta campaña: Agente 00, Agente 01, Agente 02, Agente 03, Agente 04, Agente 05, Agente 06, Agente 07, Agente 08, Agente 09 y +2. ' +
        'Dos campañas así solo pueden ir a la vez con agentes distintos: elija marcación progresiva o vista previa, o asigne a los agentes las campañas de solo una',
    );
    expect(refusal?.message).toMatch(/^campaign "Ventas Norte" \(power\) is running and shares agents with "Ventas Este": Agente 00, .*, Agente 09, \+2; /);
  });

  it('falls back to the API English for custom rules, pattern hints, unknown codes and old answers without a code', async () => {
    const tEs = await translator('es');
    const custom = detailsOf(
      z.object({ u: z.string().optional(), p: z.string().optional() }).superRefine((b, ctx) => {
        if (b.u && !b.p) ctx.addIssue({ code: 'custom', path: ['p'], message: 'required with username' });
      }),
      { u: 'x' },
    );
    expect(problemText(custom[0]!, tEs)).toBe('required with username');
    const hint = detailsOf(z.object({ n: z.string().regex(/^[a-z]+$/, '1–40 letters') }), { n: 'A B' });
    expect(hint[0]!.code).toBe('invalid_format');
    expect(problemText(hint[0]!, tEs)).toBe('1–40 letters');
    expect(problemText({ field: 'x', problem: 'some new rule', code: 'brand_new_code', params: {} }, tEs)).toBe('some new rule');
    expect(problemText({ field: 'x', problem: 'no code at all' }, tEs)).toBe('no code at all');
    // A known code whose params are missing or odd does not print "undefined": it falls back too.
    expect(problemText({ field: 'x', problem: 'too short', code: 'too_small', params: {} }, tEs)).toBe('too short');
  });
});
