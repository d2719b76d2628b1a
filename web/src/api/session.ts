/**
 * The signed-in session: access + refresh tokens and the user, kept in localStorage so a reload (or a second tab)
 * stays signed in. Refresh tokens rotate and a reused one revokes the whole chain, so refreshes are serialised
 * across tabs (Web Locks) and a tab that finds the token already rotated by another simply adopts the new one.
 */
import type { components } from './schema';

export type User = components['schemas']['User'];
export type Role = User['role'];

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  user: User;
}

const KEY = 'centralita.session';
/** Refresh this long before the access token expires, so no request is sent with a token about to die. */
const REFRESH_MARGIN_MS = 60_000;

type Listener = (s: Session | null, reason: 'login' | 'refresh' | 'logout' | 'expired') => void;
const listeners = new Set<Listener>();

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function save(s: Session | null, reason: Parameters<Listener>[1]): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
  for (const l of listeners) l(s, reason);
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

// Another tab logged in, refreshed or logged out.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== KEY) return;
    const s = loadSession();
    for (const l of listeners) l(s, s ? 'refresh' : 'logout');
  });
}

export function startSession(tokens: { access_token: string; refresh_token: string; expires_in: number }, user: User): Session {
  endedBecause = null;
  const s: Session = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: Date.now() + tokens.expires_in * 1000, user };
  save(s, 'login');
  return s;
}

export function updateUser(user: User): void {
  const s = loadSession();
  if (s) save({ ...s, user }, 'refresh');
}

let endedBecause: 'logout' | 'expired' | null = null;

export function endSession(reason: 'logout' | 'expired'): void {
  endedBecause = reason;
  save(null, reason);
}

/** Why the last session ended in this tab (login shows "your session expired" for 'expired'). */
export function lastEndReason(): 'logout' | 'expired' | null {
  return endedBecause;
}

let inFlight: Promise<boolean> | null = null;

/** Trades the refresh token for new tokens; false when the session is over (unknown, expired or reused token). */
export function refreshSession(): Promise<boolean> {
  if (inFlight) return inFlight;
  const stale = loadSession()?.refreshToken;
  const run = async (): Promise<boolean> => {
    const cur = loadSession();
    if (!cur) return false;
    // Another tab rotated the token while this one waited for the lock: adopt its tokens.
    if (cur.refreshToken !== stale && cur.expiresAt - Date.now() > REFRESH_MARGIN_MS) return true;
    let res: Response;
    try {
      res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: cur.refreshToken }),
      });
    } catch {
      // Network down: keep the session, the caller's request fails and is retried later.
      return true;
    }
    if (!res.ok) {
      endSession('expired');
      return false;
    }
    const t = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
    save({ ...cur, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: Date.now() + t.expires_in * 1000 }, 'refresh');
    return true;
  };
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const p: Promise<boolean> = (locks ? (locks.request('centralita-refresh', run) as unknown as Promise<boolean>) : run()).finally(() => {
    inFlight = null;
  });
  inFlight = p;
  return p;
}

/** A valid access token (refreshed first when close to expiry), or null when signed out. */
export async function freshAccessToken(): Promise<string | null> {
  let s = loadSession();
  if (!s) return null;
  if (s.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
    if (!(await refreshSession())) return null;
    s = loadSession();
  }
  return s?.accessToken ?? null;
}
