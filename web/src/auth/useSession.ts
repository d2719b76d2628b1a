import { useSyncExternalStore } from 'react';
import { loadSession, onSessionChange, type Session } from '../api/session';

let cached: Session | null = loadSession();
const subscribe = (cb: () => void) =>
  onSessionChange((s) => {
    cached = s;
    cb();
  });

/** The current session (null when signed out); re-renders on login, refresh, logout and other tabs' changes. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, () => cached);
}
