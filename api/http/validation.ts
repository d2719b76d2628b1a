import type { Hook, z } from '@hono/zod-openapi';
import { errorBody, type ErrorDetail, type ProblemParam } from './errors.js';
import { ruleOfPattern } from './rules.js';

/**
 * Issue fields that are not parameters of the problem: where and what it is, the refused input (may be a secret or
 * huge), nested union/element issues, and the compiled pattern (the code plus `format` already say what failed).
 */
const NOT_PARAMS = new Set(['code', 'path', 'message', 'input', 'inst', 'errors', 'issues', 'pattern', 'params', 'continue']);

function toParam(v: unknown): ProblemParam | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : String(x)));
  return undefined;
}

/**
 * The issue's parameters as JSON scalars, so a client can word the problem in its own language ("Debe tener al
 * menos {{minimum}} caracteres") instead of showing zod's English `message`. A custom issue's own `params`
 * (refine/addIssue) are passed on too.
 */
function issueParams(i: z.core.$ZodIssue): Record<string, ProblemParam> {
  const out: Record<string, ProblemParam> = {};
  const add = (k: string, v: unknown): void => {
    const p = toParam(v);
    if (p !== undefined) out[k] = p;
  };
  for (const [k, v] of Object.entries(i)) if (!NOT_PARAMS.has(k)) add(k, v);
  if (i.code === 'custom' && i.params) for (const [k, v] of Object.entries(i.params)) add(k, v);
  // A missing field is the commonest problem ("Required"), but zod drops the input from its issues and says
  // "received undefined" only in its English text; its en locale is the one this API runs with (the API test
  // pins this, so a zod change that rewords it fails there).
  if (i.code === 'invalid_format' && i.format === 'regex') {
    const rule = ruleOfPattern(i.pattern ?? '', i.message);
    if (rule !== undefined) out['rule'] = rule;
  }
  if (i.code === 'invalid_type') {
    const received = /received (\w+)$/.exec(i.message)?.[1];
    if (received !== undefined) out['received'] = received;
  }
  return out;
}

/**
 * Turns zod issues into `{field, problem, code, params}`; unknown keys name each key so the client sees which one.
 * `problem` stays zod's (or the schema author's) English text for clients that do not localize.
 */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const i of issues) {
    const base = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push({ field: base === '' ? k : `${base}.${k}`, problem: 'is not a known field', code: 'unrecognized_keys', params: {} });
    } else {
      out.push({ field: base === '' ? '(body)' : base, problem: i.message, code: i.code, params: issueParams(i) });
    }
  }
  return out;
}

/** The OpenAPIHono default hook: every failed input validation answers 422 naming field and problem. */
// `any` on purpose: one hook shared by sub-apps whose Env and input types differ.
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (result.success) return;
  const details = issuesToDetails(result.error.issues);
  const first = details[0];
  const message = first === undefined ? 'Invalid input' : `Invalid ${result.target}: ${first.field} ${first.problem}`;
  return c.json(errorBody('validation_failed', message, details), 422);
};
