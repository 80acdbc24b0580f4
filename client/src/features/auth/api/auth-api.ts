import type { LoginRequest, SessionResponse, UserDto } from '../../../../../server/contracts/auth.ts';
import { ApiError, api } from '../../../lib/api.ts';

export async function login(credentials: LoginRequest): Promise<UserDto> {
  const { user } = await api<SessionResponse>('/api/auth/login', { method: 'POST', body: credentials });
  return user;
}

export async function logout(): Promise<void> {
  await api<void>('/api/auth/logout', { method: 'POST' });
}

/** The logged-in user, or null when there is no live session. */
export async function fetchCurrentUser(signal?: AbortSignal): Promise<UserDto | null> {
  try {
    const { user } = await api<SessionResponse>('/api/auth/me', signal ? { signal } : {});
    return user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}
