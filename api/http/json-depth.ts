/**
 * A JSON body nested deeper than any request of this API needs is refused before it is parsed or validated (a
 * 5,000-deep object in a settings field once answered 500): one pass over the text, no recursion, naming the
 * top-level field where it happens. Strings are skipped with their escapes, so brackets inside them do not count.
 */
import type { MiddlewareHandler } from 'hono';
import { errorBody } from './errors.js';

/** Deepest nesting of objects and arrays a JSON body may have (the body itself is level 1). */
export const MAX_JSON_DEPTH = 32;

/** Where a JSON text first nests deeper than `maxDepth`: the path of keys down to there (at most 4), or null. */
export function jsonTooDeep(text: string, maxDepth: number): { path: string } | null {
  // One frame per open container: its kind, the key (object) or index (array) being read, whether a key is next.
  const keys: string[] = [];
  const kinds: Array<'o' | 'a'> = [];
  const indexes: number[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22) break;
      }
      if (expectKey && kinds[kinds.length - 1] === 'o') {
        const raw = text.slice(start, i + 1);
        let key = raw.slice(1, -1);
        if (raw.includes('\\')) {
          try {
            key = JSON.parse(raw) as string;
          } catch {
            /* malformed: the parser will say so */
          }
        }
        keys[keys.length - 1] = key;
        expectKey = false;
      }
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      kinds.push(ch === 0x7b ? 'o' : 'a');
      keys.push('');
      indexes.push(0);
      expectKey = ch === 0x7b;
      if (kinds.length > maxDepth) {
        const path = kinds
          .slice(0, -1)
          .map((k, d) => (k === 'o' ? keys[d]! : String(indexes[d])))
          .slice(0, 4)
          .join('.');
        return { path: kinds.length - 1 > 4 ? `${path}…` : path };
      }
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      kinds.pop();
      keys.pop();
      indexes.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      const top = kinds.length - 1;
      if (top >= 0) {
        if (kinds[top] === 'a') indexes[top]!++;
        else expectKey = true;
      }
    }
  }
  return null;
}

/** Refuses JSON bodies nested deeper than `maxDepth` with 422 `validation_failed` naming the field. */
export function jsonDepthLimit(maxDepth = MAX_JSON_DEPTH): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || !/\bjson\b/i.test(type)) return next();
    const deep = jsonTooDeep(await c.req.text(), maxDepth);
    if (deep === null) return next();
    const field = deep.path === '' ? '(body)' : deep.path;
    const problem = `is nested deeper than ${maxDepth} levels`;
    return c.json(errorBody('validation_failed', `Invalid json: ${field} ${problem}`, [{ field, problem }]), 422);
  };
}
