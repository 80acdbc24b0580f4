import { useCallback, useEffect, useState } from 'react';
import type { UserDto } from '../../../server/contracts/auth.ts';
import { fetchCurrentUser, logout as logoutRequest } from '../features/auth/api/auth-api.ts';
import type { LoginNotice } from '../features/auth/components/login-page.tsx';
import { clearDrafts } from '../features/nurse-console/utils/draft-lifetime.ts';
import { setUnauthenticatedHandler } from '../lib/api.ts';
import { mayLogOut } from '../lib/logout-guard.ts';
import { navigate } from '../lib/navigation.ts';
import { connectRealtime, disconnectRealtime, reconnectIfStale } from '../lib/socket.ts';
import { homePathFor, resolveRoute } from './routes.ts';

export type Session =
  | { status: 'loading' }
  | { status: 'failed'; error: unknown }
  | { status: 'anonymous'; notice: LoginNotice | null }
  | { status: 'authenticated'; user: UserDto };

/**
 * The login session: asks the server who is logged in, keeps the realtime connection open while
 * someone is, and returns to the login page when the server ends the session.
 */
export function useSession() {
  const [session, setSession] = useState<Session>({ status: 'loading' });

  const check = useCallback(async () => {
    setSession({ status: 'loading' });
    try {
      const user = await fetchCurrentUser();
      // No session (the browser was closed, or it ended while away): whatever drafts remain are a previous user's.
      if (!user) clearDrafts();
      setSession(user ? { status: 'authenticated', user } : { status: 'anonymous', notice: null });
    } catch (error) {
      setSession({ status: 'failed', error });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  const endSession = useCallback((notice: LoginNotice | null) => {
    disconnectRealtime();
    // Drafts hold patient data: the next user of this browser must not find them.
    clearDrafts();
    setSession({ status: 'anonymous', notice });
    navigate('/login', { replace: true });
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => endSession('expired'));
    return () => setUnauthenticatedHandler(null);
  }, [endSession]);

  const userId = session.status === 'authenticated' ? session.user.id : null;
  useEffect(() => {
    if (!userId) return;
    let active = true;
    // Asks the server who is logged in now: a changed user is taken in, a dead session ends here.
    const refresh = async (): Promise<boolean> => {
      try {
        const user = await fetchCurrentUser();
        if (!active) return false;
        if (!user) {
          endSession('expired');
          return false;
        }
        setSession({ status: 'authenticated', user });
        return true;
      } catch {
        return false; // the server is unreachable: the connection indicator already says so
      }
    };
    connectRealtime({
      onSessionEnded: (event) => endSession(event.reason === 'idle' ? 'expired' : event.reason),
      onSessionChanged: () => {
        void refresh().then((ok) => ok && reconnectIfStale());
      },
      onSessionInDoubt: () => void refresh(),
    });
    return () => {
      active = false;
      disconnectRealtime();
    };
  }, [userId, endSession]);

  const loggedIn = useCallback((user: UserDto) => {
    setSession({ status: 'authenticated', user });
    if (resolveRoute(window.location.pathname, user.role).kind !== 'page') {
      navigate(homePathFor(user.role), { replace: true });
    }
  }, []);

  const logout = useCallback(async () => {
    if (!(await mayLogOut())) return;
    // Close the socket first: the server tells every socket of this session that it ended.
    disconnectRealtime();
    try {
      await logoutRequest();
    } catch {
      // The cookie may already be gone; the user is logged out here either way.
    }
    endSession(null);
  }, [endSession]);

  return { session, retry: check, loggedIn, logout };
}
