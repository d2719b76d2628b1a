/**
 * The typed API client: openapi-fetch over the generated `schema.d.ts` (so a changed API breaks the build, not the
 * user), with the session's bearer token, one silent refresh-and-retry on 401, and one error type.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { problemText, type ProblemDetail, type Translate } from './problems';
import { endSession, freshAccessToken, loadSession, refreshSession } from './session';

/** An API answer that was not 2xx: `{error: {code, message, details}}` as every route answers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Validation problems by field name, in the user's language (for messages next to form fields). */
  fieldErrors(t: Translate): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) out[d.field] ??= problemText(d, t);
    return out;
  }
}

/** A refusal as one line for the user: its first detail in their language when the API gave one, else its message. */
export function errorText(e: unknown, t: Translate): string {
  return e instanceof ApiError && e.details.length > 0 ? problemText(e.details[0]!, t) : (e as Error).message;
}

export async function authedFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const token = await freshAccessToken();
  if (token) input.headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(input);
  if (res.status !== 401 || !token) return res;
  // The token was refused (expired while idle, server restarted with a new secret…): refresh once and retry.
  if (loadSession() && (await refreshSession())) {
    const again = loadSession()?.accessToken;
    if (again) {
      retry.headers.set('authorization', `Bearer ${again}`);
      const second = await fetch(retry);
      if (second.status !== 401) return second;
    }
  }
  endSession('expired');
  return res;
}

export const api = createClient<paths>({ baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin, fetch: authedFetch });

function toApiError(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: string; message?: string; details?: ProblemDetail[] } } | undefined)?.error;
  return new ApiError(status, e?.code ?? 'http_error', e?.message ?? `HTTP ${status}`, e?.details ?? []);
}

/** Unwraps an openapi-fetch answer: the data, or an ApiError thrown. */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await p;
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (!r.response.ok) throw toApiError(r.response.status, r.error);
  return r.data as T;
}

/** Downloads a protected file (CSV/XLSX exports, rejected-row reports) with the session's token. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await authedFetch(new Request(new URL(path, window.location.origin)));
  if (!res.ok) {
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    throw toApiError(res.status, body);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  saveBlob(await res.blob(), /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName);
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
