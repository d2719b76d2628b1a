import type { Logger } from '../engine/log/index.js';

export type Closer = () => Promise<void> | void;

/**
 * What a start opened, to close in reverse order at stop (or when the start fails half-way). `closers` is the list
 * to push onto (unshift: closed last); `closeAll` empties it as it goes, so a second call closes nothing twice, and
 * a closer that throws is logged and the rest still run.
 */
export function closerStack(logger: Logger): { closers: Closer[]; closeAll: () => Promise<void> } {
  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err }, 'error while shutting down');
      }
    }
  };
  return { closers, closeAll };
}
