/**
 * Words an API validation problem in the user's language. The API sends each 422 detail as
 * `{field, problem, code, params}`: `problem` is English (zod's text or the schema author's), `code` + `params`
 * are stable (zod's issue code and its parameters, or a domain code such as `invalid_phone`). We translate the
 * codes we know (and the author-written rules the API names in `params.rule`) and fall back to the English
 * `problem` for the rest — a custom rule or pattern hint without a rule name, or a code a newer API adds — so
 * nothing is ever blank.
 * Pure (takes `t`), so the unit test checks the mapping without a browser.
 */

/** One detail of the API's error body (`error.details[]`). */
export interface ProblemDetail {
  field: string;
  problem: string;
  code?: string;
  params?: Record<string, unknown>;
}

/** The part of i18next's `t` used here (a plain signature so tests can pass their own). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** An i18n key under `problems.` with its interpolation values, or null to show the API's English text. */
export interface ProblemKey {
  key: string;
  values?: Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Sizes zod measures in characters / items, per `origin`. */
const LENGTH_ORIGINS = new Set(['string']);
const COUNT_ORIGINS = new Set(['array', 'set', 'file']);
const NUMBER_ORIGINS = new Set(['number', 'int', 'bigint']);

/** Formats with a generic wording; `regex` is left out on purpose (its English text is the author's hint). */
const FORMAT_KEYS: Record<string, string> = {
  email: 'problems.format.email',
  url: 'problems.format.url',
  uuid: 'problems.format.uuid',
  guid: 'problems.format.uuid',
  datetime: 'problems.format.datetime',
  date: 'problems.format.date',
  time: 'problems.format.time',
  ipv4: 'problems.format.ip',
  ipv6: 'problems.format.ip',
};

const EXPECTED_KEYS: Record<string, string> = {
  string: 'problems.type.string',
  number: 'problems.type.number',
  int: 'problems.type.int',
  boolean: 'problems.type.boolean',
  array: 'problems.type.array',
  object: 'problems.type.object',
};

function bound(code: 'too_small' | 'too_big', p: Record<string, unknown>): ProblemKey | null {
  const origin = typeof p['origin'] === 'string' ? p['origin'] : '';
  const small = code === 'too_small';
  const limit = num(small ? p['minimum'] : p['maximum']);
  if (limit === undefined) return null;
  const inclusive = p['inclusive'] !== false;
  if (LENGTH_ORIGINS.has(origin) || COUNT_ORIGINS.has(origin)) {
    const unit = LENGTH_ORIGINS.has(origin) ? 'chars' : 'items';
    // Lengths are whole: "more than 3" is "at least 4".
    const n = inclusive ? limit : small ? limit + 1 : limit - 1;
    if (p['exact'] === true) return { key: `problems.exact.${unit}`, values: { count: n } };
    if (small && n === 1) return { key: unit === 'chars' ? 'problems.required' : 'problems.atLeastOneItem' };
    return { key: `problems.${small ? 'min' : 'max'}.${unit}`, values: small ? { min: n } : { max: n } };
  }
  if (NUMBER_ORIGINS.has(origin)) {
    const which = small ? (inclusive ? 'min' : 'greater') : inclusive ? 'max' : 'less';
    return { key: `problems.${which}.number`, values: small ? { min: limit } : { max: limit } };
  }
  if (origin === 'date') return { key: small ? 'problems.min.date' : 'problems.max.date' };
  return null;
}

/**
 * Rules whose English the schema author wrote (a pattern's hint, a refine), named by the API in `params.rule`
 * (api/http/rules.ts; the unit test checks both lists agree).
 */
export const RULE_KEYS: Record<string, string> = {
  name_chars: 'problems.rule.nameChars',
  trunk_name: 'problems.rule.trunkName',
  trunk_host: 'problems.rule.trunkHost',
  trunk_secret: 'problems.rule.trunkSecret',
  required_with_username: 'problems.rule.requiredWithUsername',
  required_with_password: 'problems.rule.requiredWithPassword',
  criterion_id: 'problems.rule.criterionId',
  criterion_id_twice: 'problems.rule.criterionIdTwice',
  points_need_max: 'problems.rule.pointsNeedMax',
  critical_only_yesno: 'problems.rule.criticalOnlyYesno',
  some_weight: 'problems.rule.someWeight',
  password_too_short: 'problems.rule.passwordTooShort',
  password_too_long: 'problems.rule.passwordTooLong',
  password_common: 'problems.rule.passwordCommon',
  password_repetitive: 'problems.rule.passwordRepetitive',
  password_sequence: 'problems.rule.passwordSequence',
  password_username: 'problems.rule.passwordUsername',
  password_context_word: 'problems.rule.passwordContextWord',
  current_password_wrong: 'problems.rule.currentPasswordWrong',
  password_unchanged: 'problems.rule.passwordUnchanged',
  hhmm: 'problems.rule.hhmm',
  start_before_end: 'problems.rule.startBeforeEnd',
  iana_zone: 'problems.rule.ianaZone',
  country_code: 'problems.rule.countryCode',
  voicemail_required: 'problems.rule.voicemailRequired',
  not_a_disposition: 'problems.rule.notADisposition',
  dial_control_chars: 'problems.rule.dialControlChars',
  dial_one_channel: 'problems.rule.dialOneChannel',
  dial_too_long: 'problems.rule.dialTooLong',
  dial_shape: 'problems.rule.dialShape',
  dial_placeholder_unknown: 'problems.rule.dialPlaceholderUnknown',
  dial_placeholder_missing: 'problems.rule.dialPlaceholderMissing',
  // A 409's detail (api/http/control.ts): params.campaigns (their names, a list) and params.agent.
  shared_overdial: 'problems.rule.sharedOverdial',
  // A start's (or a running campaign's change's) 409: params.campaign (the running one's name), params.agents.
  shared_agents: 'problems.rule.sharedAgents',
};

/** The i18n key (and values) for a detail, or null when only the API's English text fits. */
export function problemKey(d: ProblemDetail): ProblemKey | null {
  const p = d.params ?? {};
  const rule = typeof p['rule'] === 'string' ? RULE_KEYS[p['rule']] : undefined;
  // The rule's own values (a password's minimum, the unknown placeholder found) fill its wording.
  if (rule !== undefined) return { key: rule, values: p };
  switch (d.code) {
    case 'too_small':
    case 'too_big':
      return bound(d.code, p);
    case 'invalid_type': {
      // A field left out (or sent as null where a value is needed) is "required", whatever its type.
      if (p['received'] === 'undefined') return { key: 'problems.required' };
      const expected = typeof p['expected'] === 'string' ? p['expected'] : '';
      const key = EXPECTED_KEYS[expected];
      return key ? { key } : { key: 'problems.type.other' };
    }
    case 'invalid_value': {
      const values = Array.isArray(p['values']) ? (p['values'] as unknown[]).map(String) : [];
      if (values.length === 0) return { key: 'problems.notAllowed' };
      if (values.length === 1) return { key: 'problems.mustBe', values: { value: values[0] } };
      return { key: 'problems.oneOf', values: { options: values.join(', ') } };
    }
    case 'invalid_format': {
      const format = typeof p['format'] === 'string' ? p['format'] : '';
      if (format === 'starts_with' && typeof p['prefix'] === 'string') return { key: 'problems.format.startsWith', values: { prefix: p['prefix'] } };
      if (format === 'ends_with' && typeof p['suffix'] === 'string') return { key: 'problems.format.endsWith', values: { suffix: p['suffix'] } };
      if (format === 'includes' && typeof p['includes'] === 'string') return { key: 'problems.format.includes', values: { text: p['includes'] } };
      const key = FORMAT_KEYS[format];
      return key ? { key } : null;
    }
    case 'not_multiple_of':
      return num(p['divisor']) === undefined ? null : { key: 'problems.multipleOf', values: { divisor: p['divisor'] } };
    case 'unrecognized_keys':
      return { key: 'problems.unknownField' };
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return { key: 'problems.invalid' };
    case 'invalid_phone':
      return { key: 'problems.phone' };
    default:
      // `custom` (a refine with its own English words), no code (an older API), or a code this build does not know.
      return null;
  }
}

/** The detail in the user's language, or the API's English text when no key fits. */
export function problemText(d: ProblemDetail, t: Translate): string {
  const k = problemKey(d);
  return k === null ? d.problem : t(k.key, k.values);
}
