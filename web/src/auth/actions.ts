import { ApiError, api, unwrap } from '../api/client';
import { endSession, loadSession, startSession, type User } from '../api/session';

export async function login(username: string, password: string): Promise<User> {
  // Login is public: a plain fetch, so a 401 here is "wrong password", not an expired session.
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string }; user?: User; access_token?: string; refresh_token?: string; expires_in?: number };
  if (!res.ok || !body.user) {
    throw new ApiError(res.status, body.error?.code ?? 'http_error', body.error?.message ?? `HTTP ${res.status}`);
  }
  startSession({ access_token: body.access_token!, refresh_token: body.refresh_token!, expires_in: body.expires_in! }, body.user);
  return body.user;
}

export async function logout(): Promise<void> {
  const s = loadSession();
  if (s) {
    try {
      await api.POST('/api/auth/logout', { body: { refresh_token: s.refreshToken } });
    } catch {
      // Signed out locally whatever the server says; the refresh token expires on its own.
    }
  }
  endSession('logout');
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const r = await unwrap(api.POST('/api/auth/password', { body: { current_password: currentPassword, new_password: newPassword } }));
  // The server ended every other session and handed this one new tokens.
  startSession(r, r.user);
}
