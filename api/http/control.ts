import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ControlError, type EngineControl } from '../../engine/control/index.js';
import { ApiError } from './errors.js';

/**
 * The one mapping of the engine control's refusals to HTTP: not_found 404, conflict 409, invalid 422
 * `validation_failed` (like every other bad input), unavailable 503 `engine_unavailable`, unreachable 503
 * `node_unreachable` (another node holds it and did not answer).
 */
const STATUS: Record<ControlError['code'], ContentfulStatusCode> = { not_found: 404, conflict: 409, invalid: 422, unavailable: 503, unreachable: 503 };
const CODE: Record<ControlError['code'], string> = {
  not_found: 'not_found',
  conflict: 'conflict',
  invalid: 'validation_failed',
  unavailable: 'engine_unavailable',
  unreachable: 'node_unreachable',
};

/** The engine control, or 503 `engine_unavailable` when this API runs without an engine. */
export function requireControl(control: EngineControl | undefined): EngineControl {
  if (control === undefined) throw new ApiError(503, 'engine_unavailable', 'The dialing engine is not running in this process');
  return control;
}

/**
 * ControlError → the API error shape; anything else is returned unchanged (to be rethrown). A refusal about one
 * field carries it as the detail (`params.rule` names the rule, as 422s do), so a form shows it under that field.
 */
export function toApiError(err: unknown): unknown {
  if (!(err instanceof ControlError)) return err;
  const p = err.problem;
  const details = p === undefined ? undefined : [{ field: p.field, problem: err.message, code: 'custom', params: { rule: p.rule, ...p.params } }];
  return new ApiError(STATUS[err.code], CODE[err.code], err.message, details);
}

/** Runs a control command, mapping its refusals, whether it answers at once or with a promise. */
export function viaControl<T>(fn: () => T): T {
  try {
    const result = fn();
    if (result instanceof Promise) {
      return result.catch((err: unknown) => {
        throw toApiError(err);
      }) as T;
    }
    return result;
  } catch (err) {
    throw toApiError(err);
  }
}
