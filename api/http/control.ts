import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ControlError, type EngineControl } from '../../engine/control/types.js';
import { ApiError } from './errors.js';

const STATUS: Record<ControlError['code'], ContentfulStatusCode> = { not_found: 404, conflict: 409, invalid: 422, unavailable: 503 };

/** The engine control, or 503 `engine_unavailable` when this API runs without an engine. */
export function requireControl(control: EngineControl | undefined): EngineControl {
  if (control === undefined) throw new ApiError(503, 'engine_unavailable', 'No engine is attached to this API node');
  return control;
}

/** ControlError → the API error shape (not_found 404, conflict 409, invalid 422, unavailable 503); others rethrown. */
export function toApiError(err: unknown): unknown {
  if (err instanceof ControlError) {
    return new ApiError(STATUS[err.code], err.code === 'unavailable' ? 'engine_unavailable' : err.code, err.message);
  }
  return err;
}

/** Runs a control command, mapping its refusals. */
export function viaControl<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toApiError(err);
  }
}
