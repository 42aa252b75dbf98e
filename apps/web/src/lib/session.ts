/**
 * The signed-in user, as the server last told it: loaded from GET /api/session on start, replaced
 * by every answer of /api/session (sign-in, password change, a CSRF retry), and corrected when a
 * request is refused (401: the session has ended; 403 password_change_required).
 */
import { useSyncExternalStore } from "react";
import {
  type ApiError,
  acceptSession,
  apiSend,
  asApiError,
  fetchSession,
  invalidateCache,
  setCsrfToken,
  subscribeApiEvents,
} from "./api.ts";
import type { SessionAnswer, SessionUser } from "./types.ts";

export interface SessionState {
  /** false until the first answer (or failure) of GET /api/session. */
  loaded: boolean;
  user: SessionUser | null;
  oidc: { enabled: boolean; label: string };
  /** Set when the session could not be fetched; the app then behaves as signed out. */
  error: ApiError | undefined;
}

let state: SessionState = {
  loaded: false,
  user: null,
  oidc: { enabled: false, label: "" },
  error: undefined,
};
const listeners = new Set<() => void>();
let loading: Promise<void> | undefined;

function set(next: SessionState): void {
  state = next;
  for (const l of listeners) l();
}

function sameUser(a: SessionUser | null, b: SessionUser | null): boolean {
  return a?.id === b?.id && a?.role === b?.role;
}

function fromAnswer(answer: SessionAnswer): void {
  const changed = state.loaded && !sameUser(state.user, answer.user);
  set({ loaded: true, user: answer.user, oidc: answer.oidc, error: undefined });
  // Who may see what depends on the user: answers fetched for someone else are forgotten. (The
  // first answer changes nothing: the requests before it already carried the same cookie.)
  if (changed) invalidateCache();
}

subscribeApiEvents((e) => {
  if (e.type === "session") {
    fromAnswer(e.answer);
    return;
  }
  if (e.url === "/api/session") return;
  if (e.status === 401 && state.user !== null) {
    // The session has ended (expired, or signed out in another tab): ask what it is now.
    void reloadSession();
  } else if (e.status === 403 && e.code === "password_change_required" && state.user) {
    if (!state.user.mustChangePassword) set({ ...state, user: { ...state.user, mustChangePassword: true } });
  }
});

/** Fetches the session again (also on start). */
export function reloadSession(): Promise<void> {
  loading ??= fetchSession()
    .then(
      () => undefined,
      (e: unknown) => {
        set({ ...state, loaded: true, error: asApiError(e) });
      },
    )
    .finally(() => {
      loading = undefined;
    });
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!state.loaded && loading === undefined) void reloadSession();
  return () => listeners.delete(listener);
}

function snapshot(): SessionState {
  return state;
}

/** The session; the first component to ask starts loading it. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** Signs in with username and password; throws ApiError (401 wrong, 429 too many attempts). */
export async function signIn(username: string, password: string): Promise<SessionUser | null> {
  const answer = await apiSend<SessionAnswer>("POST", "/api/session", { username, password });
  acceptSession(answer);
  return answer.user;
}

/** Signs out; the session's data is forgotten even if the server could not be reached. */
export async function signOut(): Promise<void> {
  try {
    await apiSend<undefined>("DELETE", "/api/session");
  } finally {
    setCsrfToken(null);
    const hadUser = state.user !== null;
    set({ ...state, user: null });
    if (hadUser) invalidateCache();
    // A fresh anonymous session (and its CSRF token, if the server gives one).
    await reloadSession();
  }
}

/** Changes the signed-in user's password; throws ApiError (400 with issues by field). */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const wasForced = state.user?.mustChangePassword === true;
  const answer = await apiSend<SessionAnswer>("POST", "/api/session/password", {
    currentPassword,
    newPassword,
  });
  acceptSession(answer);
  // Everything refused until now (403 password_change_required) may be fetched again.
  if (wasForced) invalidateCache();
}
