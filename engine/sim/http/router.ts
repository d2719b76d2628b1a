/**
 * A tiny router for the ARI paths: `{param}` segments, one handler per method. Handlers get the merged
 * parameters (path, query, and a JSON body's fields, as Asterisk merges them) and return a reply.
 */
import { AriError } from '../errors.js';

export type Params = Record<string, string | undefined>;

export interface RouteRequest {
  params: Params;
  /** The JSON body when it was an object (e.g. originate's {"variables": {...}}). */
  body: Record<string, unknown> | null;
  baseUrl: string;
}

export type Reply =
  | { status: number; json: unknown }
  | { status: 204 }
  | { status: number; bytes: Uint8Array; contentType: string };

export type Handler = (req: RouteRequest) => Reply | Promise<Reply>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, parts: path.split('/').filter(Boolean), handler });
    return this;
  }

  /** Finds the handler for a path; 404/405 errors as Asterisk words them. */
  match(method: string, path: string): { handler: Handler; pathParams: Params } {
    const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    let pathMatched = false;
    for (const r of this.routes) {
      if (r.parts.length !== segs.length) continue;
      const pathParams: Params = {};
      let ok = true;
      for (let i = 0; i < r.parts.length && ok; i++) {
        const p = r.parts[i]!;
        const s = segs[i]!;
        if (p.startsWith('{')) pathParams[p.slice(1, -1)] = s;
        else ok = p === s;
      }
      if (!ok) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, pathParams };
    }
    if (pathMatched) throw new AriError(405, 'Invalid method');
    throw new AriError(404, 'Resource not found');
  }
}

export const ok = (json: unknown, status = 200): Reply => ({ status, json });
export const noContent = (): Reply => ({ status: 204 });

export function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new AriError(400, `Invalid number '${v}'`);
  return n;
}
