/**
 * Stable names for the rules whose English words a schema author wrote (a pattern's hint such as "1–40 letters,
 * digits…", a refine's "required with username"). zod reports those as `invalid_format`/`regex` or `custom` with
 * only the English text, which a client cannot translate; the 422 detail carries `params.rule` = the name here so
 * the web can word it in Spanish (test/unit/web/problems.test.ts checks the web knows every name).
 */
export const RULES = [
  'name_chars',
  'trunk_name',
  'trunk_host',
  'trunk_secret',
  'required_with_username',
  'required_with_password',
  'criterion_id',
  'criterion_id_twice',
  'points_need_max',
  'critical_only_yesno',
  'some_weight',
  'password_too_short',
  'password_too_long',
  'password_common',
  'password_repetitive',
  'password_sequence',
  'password_username',
  'password_context_word',
  'current_password_wrong',
  'password_unchanged',
  'hhmm',
  'start_before_end',
  'iana_zone',
  'country_code',
  'voicemail_required',
  'not_a_disposition',
  'dial_control_chars',
  'dial_one_channel',
  'dial_too_long',
  'dial_shape',
  'dial_placeholder_unknown',
  'dial_placeholder_missing',
  'shared_overdial',
  'shared_agents',
] as const;
export type Rule = (typeof RULES)[number];

/** Pattern (as zod prints it in the issue) + message → rule; filled by `patternRule` when route modules load. */
const byPattern = new Map<string, Rule>();
const keyOf = (pattern: string, message: string): string => `${pattern}\u0000${message}`;

/**
 * The message for `.regex(re, …)`, registering `re` with it as `rule` so its refusals carry `params.rule`. zod
 * drops a regex check's `params`, hence the lookup by what the issue does keep: the pattern and the message (the
 * same pattern serves different rules — a trunk name and a scorecard item id — with different words).
 */
export function patternRule(re: RegExp, rule: Rule, message: string): string {
  const key = keyOf(String(re), message);
  const had = byPattern.get(key);
  if (had !== undefined && had !== rule) throw new Error(`pattern ${String(re)} with "${message}" is already rule ${had}`);
  byPattern.set(key, rule);
  return message;
}

export function ruleOfPattern(pattern: string, message: string): Rule | undefined {
  return byPattern.get(keyOf(pattern, message));
}
