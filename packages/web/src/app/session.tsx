// The logged-in session: user, organisation (with its demo flag) and the shared API client.
import type { SessionView } from '@oversight/contract';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from '../api/client.ts';

// A hint (not a secret) that this browser had a session, so a first visit does not probe the
// API with a request that can only fail. The session itself is an HttpOnly cookie.
const HINT_KEY = 'oversight.session';

export type SessionState =
  | { status: 'checking' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'active'; session: SessionView };

type SessionContextValue = {
  api: ApiClient;
  state: SessionState;
  signedIn: (session: SessionView) => void;
  logout: () => Promise<void>;
};

const SessionContext = createContext<SessionContextValue | null>(null);

function readHint(): boolean {
  try {
    return window.localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return true;
  }
}

function writeHint(on: boolean) {
  try {
    if (on) window.localStorage.setItem(HINT_KEY, '1');
    else window.localStorage.removeItem(HINT_KEY);
  } catch {
    // Storage may be disabled; the hint is only an optimisation.
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() =>
    readHint() ? { status: 'checking' } : { status: 'anonymous', expired: false },
  );
  const api = useMemo(
    () =>
      createApiClient({
        onUnauthenticated: () => {
          writeHint(false);
          setState({ status: 'anonymous', expired: true });
        },
      }),
    [],
  );

  useEffect(() => {
    if (state.status !== 'checking') return;
    const controller = new AbortController();
    api.sessions.current({ signal: controller.signal }).then(
      (session) => setState({ status: 'active', session }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        writeHint(false);
        setState({ status: 'anonymous', expired: false });
        if (!(error instanceof Error && 'code' in error && error.code === 'UNAUTHENTICATED'))
          console.warn(error);
      },
    );
    return () => controller.abort();
  }, [api, state.status]);

  const signedIn = useCallback((session: SessionView) => {
    writeHint(true);
    setState({ status: 'active', session });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.sessions.logout();
    } finally {
      writeHint(false);
      api.setCsrfToken(undefined);
      setState({ status: 'anonymous', expired: false });
    }
  }, [api]);

  const value = useMemo(() => ({ api, state, signedIn, logout }), [api, state, signedIn, logout]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSessionContext(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSessionContext outside SessionProvider');
  return ctx;
}

/** The active session; only for components rendered behind the login gate. */
export function useSession(): SessionView & {
  api: ApiClient;
  isStaff: boolean;
  isAdmin: boolean;
  canWrite: boolean;
  canChange: (ownerId: string) => boolean;
} {
  const { api, state } = useSessionContext();
  if (state.status !== 'active') throw new Error('useSession without an active session');
  const { role, id } = state.session.user;
  return {
    ...state.session,
    api,
    isStaff: role !== 'vendor',
    isAdmin: role === 'admin',
    canWrite: role === 'admin' || role === 'owner',
    // Mirrors the API's policy so pages offer only what will be allowed: admins change anything,
    // owners what they are accountable for. The API still decides.
    canChange: (ownerId: string) => role === 'admin' || (role === 'owner' && ownerId === id),
  };
}

export function useApi(): ApiClient {
  return useSessionContext().api;
}
