import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import { describeStorageFailure, storageWriteFailure } from '../../engine/store/index.js';

/** The one error shape every non-2xx answer of the API has. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z
        .array(
          z.object({
            field: z.string(),
            problem: z.string().openapi({ description: 'English text; clients that localize use `code` + `params` and fall back to this' }),
            code: z.string().optional().openapi({
              description:
                'Stable machine code of the problem: the zod issue code (too_small, too_big, invalid_type, invalid_value, invalid_format, not_multiple_of, unrecognized_keys, custom…) or a domain code (invalid_phone)',
              example: 'too_small',
            }),
            params: z
              .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))]))
              .optional()
              .openapi({ description: 'The code\'s parameters: origin, minimum, maximum, inclusive, exact, expected, received (invalid_type: "undefined" when the field is missing), values, format, divisor, prefix…', example: { origin: 'string', minimum: 1, inclusive: true } }),
          }),
        )
        .optional(),
    }),
  })
  .openapi('Error');

/** A scalar or list a detail's `params` may hold (JSON-safe, so clients can interpolate it). */
export type ProblemParam = string | number | boolean | Array<string | number | boolean | null>;
export type ErrorDetail = { field: string; problem: string; code?: string; params?: Record<string, ProblemParam> };
export type ErrorBody = z.infer<typeof ErrorSchema>;

/** Thrown by handlers; the app's onError turns it into the error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, details?: ErrorDetail[]): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
};

/** Seconds a client is told to wait when the database cannot be written (disk full…). */
export const STORAGE_RETRY_AFTER_S = 5;

/**
 * Maps anything thrown in a handler to the error shape; internals are logged, not leaked. A write the database
 * cannot take now (disk full, read-only, I/O error, locked) is 503 `storage_unavailable` with Retry-After — the
 * request changed nothing (SQLite rolled it back) and may be repeated — reported through `onStorage`.
 */
export function toErrorResponse(err: unknown, c: Context, onInternal: (err: unknown) => void, onStorage?: (failure: string) => void): Response {
  if (err instanceof ApiError) {
    if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    // hono's validator throws 400 "Malformed JSON in request body" for bodies that do not parse.
    const status = err.status as ContentfulStatusCode;
    const code = status === 400 && /json/i.test(err.message) ? 'malformed_json' : (CODE_BY_STATUS[status] ?? 'error');
    return c.json(errorBody(code, err.message), status);
  }
  const storage = storageWriteFailure(err);
  if (storage !== null) {
    const failure = describeStorageFailure(storage);
    onStorage?.(failure);
    c.header('Retry-After', String(STORAGE_RETRY_AFTER_S));
    return c.json(
      errorBody('storage_unavailable', `The database cannot be written now (${failure}); nothing was changed. Try again when space is back (see /health).`),
      503,
    );
  }
  onInternal(err);
  return c.json(errorBody('internal', 'Internal server error'), 500);
}
