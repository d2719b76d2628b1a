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

/** The recorder's commands a thread answers (engine/recordings Recordings). */
export interface RecorderCommands {
  pause(callId: string, by: string | null): Promise<unknown>;
  resume(callId: string): Promise<unknown>;
  delete(callId: string, by: string): Promise<unknown>;
}

/**
 * A thread's answer to a command by path: the recorder's (`recordings.*`) or the control's. `unavailable` while the
 * engine is still starting (no control yet), for a name not in `commands`, and for the recorder's without one.
 */
export async function answerCommand(
  o: { control: EngineControl | undefined; recorder: RecorderCommands | null | undefined; commands: readonly string[] },
  command: string,
  args: unknown[],
): Promise<unknown> {
  if (!o.control || !o.commands.includes(command)) throw new ControlError('unavailable', `the engine does not answer ${command}`);
  if (!command.startsWith('recordings.')) return commandOf(o.control, command)(...args);
  if (!o.recorder) throw new ControlError('unavailable', 'Recordings are not running on this node');
  const [callId, by] = args as [string, string | null];
  if (command === 'recordings.pause') return o.recorder.pause(callId, by);
  if (command === 'recordings.resume') return o.recorder.resume(callId);
  return o.recorder.delete(callId, by ?? 'unknown');
}
