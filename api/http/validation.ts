import type { Hook, z } from '@hono/zod-openapi';
import { errorBody, type ErrorDetail } from './errors.js';

/** Turns zod issues into `{field, problem}` pairs; unknown keys name each key so the client sees which one. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const i of issues) {
    const base = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push({ field: base === '' ? k : `${base}.${k}`, problem: 'is not a known field' });
    } else {
      out.push({ field: base === '' ? '(body)' : base, problem: i.message });
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
