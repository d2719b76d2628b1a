/**
 * Server texts that reached the Spanish UI in English: the campaign settings' own checks (nested AMD fields,
 * calling hours, time zone, country, dial-string template, voicemail, retry delays) and the password policy. Each
 * 422 detail now carries its code and params (nested AMD issues keep zod's code instead of becoming custom
 * English) or a `params.rule`, and the web words it in Spanish. The details come from the real schemas and, for
 * passwords, from the real routes.
 */
import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { issuesToDetails } from '../../../api/http/validation.js';
import { campaignSettingsSchema } from '../../../engine/campaigns/index.js';
import { problemText, type ProblemDetail, type Translate } from '../../../web/src/api/problems.js';
import { harness, type Harness } from '../api/harness.js';

const dir = new URL('../../../web/src/i18n/locales/', import.meta.url);
const read = (lang: string) => JSON.parse(readFileSync(new URL(`${lang}.json`, dir), 'utf8')) as Record<string, unknown>;

async function translator(lng: 'en' | 'es'): Promise<Translate> {
  const i = i18next.createInstance();
  await i.init({ resources: { en: { translation: read('en') }, es: { translation: read('es') } }, lng, fallbackLng: false, interpolation: { escapeValue: false } });
  return (key, options) => i.t(key, options ?? {}) as string;
}

/** field → Spanish text of the settings' refusal of `input`. */
async function settingsProblems(input: Record<string, unknown>): Promise<Record<string, string>> {
  const r = campaignSettingsSchema.safeParse({ name: 'x', ...input });
  if (r.success) throw new Error('expected a refusal');
  const tEs = await translator('es');
  return Object.fromEntries(issuesToDetails(r.error.issues).map((d) => [d.field, problemText(d, tEs)]));
}

let h: Harness | undefined;
afterEach(() => h?.close());

describe('server texts in Spanish', () => {
  it('nested AMD fields keep zod’s code and params: a bound, an enum, an unknown field', async () => {
    expect(await settingsProblems({ amd: { totalAnalysisTime: 0, silenceThreshold: 40000, bogus: 1 } })).toEqual({
      'amd.totalAnalysisTime': 'Debe ser como mínimo 1',
      'amd.silenceThreshold': 'Debe ser como máximo 32767',
      'amd.bogus': 'No es un campo conocido',
    });
    expect(await settingsProblems({ amd: { mode: 'magic' } })).toEqual({ 'amd.mode': 'Valor no permitido; opciones: app_amd, centralita' });
  });

  it('the settings’ own rules: hours, zone, country, dial string, voicemail, retry delays', async () => {
    expect(await settingsProblems({ callingHours: { start: '0800', end: '21:00' } })).toEqual({ 'callingHours.start': 'Debe ser HH:MM (24 h)' });
    expect(await settingsProblems({ callingHours: { start: '21:00', end: '08:00' } })).toEqual({ callingHours: 'El inicio debe ser anterior al fin' });
    expect(await settingsProblems({ defaultTimeZone: 'Mars/Olympus', defaultCountry: 'cr' })).toEqual({
      defaultTimeZone: 'No es una zona horaria IANA (p. ej. America/Costa_Rica)',
      defaultCountry: 'Debe ser un código de país de dos letras (CR, US…)',
    });
    expect(await settingsProblems({ dialStringTemplate: 'PJSIP/{phone}@trunk' })).toEqual({ dialStringTemplate: 'Solo se conocen los marcadores {e164}, {digits} y {national} (se encontró «{phone}»)' });
    expect(await settingsProblems({ dialStringTemplate: 'PJSIP/100@trunk' })).toEqual({ dialStringTemplate: 'Debe contener {e164}, {digits} o {national}' });
    expect(await settingsProblems({ dialStringTemplate: 'PJSIP/{e164}@a&PJSIP/{e164}@b' })).toEqual({ dialStringTemplate: 'Debe marcar un solo canal (no se admite «&»)' });
    expect(await settingsProblems({ machineAction: 'message', retryDelays: { LATER: 5 } })).toEqual({
      voicemailMessage: 'Obligatorio cuando la acción ante contestador es «dejar un mensaje»',
      'retryDelays.LATER': 'No es una disposición',
    });
  });

  it('the password policy through the real routes: create user, change a user’s password, change one’s own', async () => {
    h = harness();
    const admin = h.bearer(await h.login('admin'));
    const tEs = await translator('es');
    const tEn = await translator('en');
    const refusal = async (method: string, path: string, body: unknown): Promise<ProblemDetail> => {
      const res = await h!.json(method, path, body, admin);
      expect(res.status, path).toBe(422);
      return ((await res.json()) as { error: { details: ProblemDetail[] } }).error.details[0]!;
    };
    const common = await refusal('POST', '/api/users', { username: 'bea', password: 'password1234', role: 'agent' });
    expect(common).toMatchObject({ field: 'password', params: { rule: 'password_common' } });
    expect(problemText(common, tEs)).toBe('Es una contraseña común (también con dígitos, símbolos o leetspeak alrededor)');
    expect(problemText(common, tEn)).toBe('Is a common password (also with digits, symbols or leetspeak around it)');
    const based = await refusal('POST', '/api/users', { username: 'beatriz.mora', password: 'beatriz.mora2024!', role: 'agent' });
    expect(problemText(based, tEs)).toBe('No debe basarse en el nombre de usuario');
    const id = h.addUser('carla', 'agent');
    const repetitive = await refusal('PATCH', `/api/users/${id}`, { password: 'abababababab' });
    expect(problemText(repetitive, tEs)).toBe('Es demasiado repetitiva (use al menos 5 caracteres distintos)');
    const product = await refusal('POST', '/api/auth/password', { current_password: 'admin-password-for-tests', new_password: 'centralita123456' });
    expect(problemText(product, tEs)).toBe('No debe basarse en la palabra «centralita»');
    const wrong = await refusal('POST', '/api/auth/password', { current_password: 'not-the-password-at-all', new_password: 'Correct-Horse-Battery-9' });
    expect(problemText(wrong, tEs)).toBe('No es su contraseña actual');
    const same = await refusal('POST', '/api/auth/password', { current_password: 'admin-password-for-tests', new_password: 'admin-password-for-tests' });
    expect(problemText(same, tEs)).toBe('Debe ser distinta de la contraseña actual');
  });
});
