import { ControlError, type EngineControl } from '../../engine/control/types.js';
import { ApiError } from '../http/errors.js';

const STATUS = { not_found: 404, conflict: 409, invalid: 422, unavailable: 503 } as const;

/** The engine, or 503 engine_unavailable when this API runs without one. */
export function requireControl(control: EngineControl | undefined): EngineControl {
  if (control === undefined) throw new ApiError(503, 'engine_unavailable', 'The dialing engine is not running in this process');
  return control;
}

/** Runs a control command, turning ControlError into the API's error shape (not_found 404, conflict 409, invalid 422, unavailable 503). */
export async function viaControl<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ControlError) {
      const code = err.code === 'invalid' ? 'validation_failed' : err.code === 'unavailable' ? 'engine_unavailable' : err.code;
      throw new ApiError(STATUS[err.code], code, err.message);
    }
    throw err;
  }
}
