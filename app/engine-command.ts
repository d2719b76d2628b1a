import { ControlError, type EngineControl } from '../engine/control/index.js';

/**
 * The EngineControl method a thread's command names by path (`campaigns.start`, `recordings.pause`…), bound to its
 * group; a name the control lacks answers `unavailable`. Shared by the SQLite product's engine thread and the
 * PostgreSQL product's node thread, whose command lists are checked before this is asked.
 */
export function commandOf(control: EngineControl, command: string): (...args: unknown[]) => unknown {
  const [group, name] = command.split('.') as [keyof EngineControl, string];
  const target = control[group] as unknown as Record<string, (...a: unknown[]) => unknown> | undefined;
  const fn = target?.[name];
  if (typeof fn !== 'function') throw new ControlError('unavailable', `the engine does not answer ${command}`);
  return fn.bind(target);
}
