/**
 * Talking to the HTTP API: JSON in and out, every failure turned into an ApiError with Danish text.
 *
 * Signing in sets an HttpOnly session cookie that this code never sees; what it does see is the
 * session's CSRF token (from the latest answer of /api/session), which every unsafe request
 * (POST, PUT, PATCH, DELETE) carries in x-csrf-token. A 403 "csrf" (an expired or rotated token)
 * fetches the session again and retries once.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { t } from "../i18n/da.ts";
import type { ErrorBody, SessionAnswer } from "./types.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.error);
    this.name = "ApiError";
  }

  /** The refusal's kind: "unauthenticated", "forbidden", "password_change_required", "csrf", "conflict". */
  get code(): string | undefined {
    return this.body.code;
  }
}

/** Anything thrown by a request, as an ApiError (a failure that is not one is a network error). */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, { error: t("state.networkError") });
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === "object" && v !== null && typeof (v as { error?: unknown }).error === "string";
}

let csrfToken: string | null = null;

/** The CSRF token of the current session (null: none, e.g. signed out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/** What the session store wants to hear about: new session answers and refusals of the session. */
export type ApiEvent =
  | { type: "session"; answer: SessionAnswer }
  | { type: "refused"; status: number; code: string | undefined; url: string };

const apiListeners = new Set<(e: ApiEvent) => void>();

export function subscribeApiEvents(listener: (e: ApiEvent) => void): () => void {
  apiListeners.add(listener);
  return () => apiListeners.delete(listener);
}

function emit(e: ApiEvent): void {
  for (const l of apiListeners) l(e);
}

async function request<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      credentials: "same-origin",
      ...init,
      headers: { accept: "application/json", ...init.headers },
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, { error: t("state.networkError") });
  }
  // 204 (and some errors) have no body at all.
  let body: unknown;
  try {
    const text = await res.text();
    body = text.trim() === "" ? undefined : JSON.parse(text);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    body = undefined;
  }
  if (!res.ok) {
    const err = new ApiError(
      res.status,
      isErrorBody(body) ? body : { error: t("state.serverError", { status: res.status }) },
    );
    if (res.status === 401 || res.status === 403) {
      emit({ type: "refused", status: res.status, code: err.body.code, url });
    }
    throw err;
  }
  return body as T;
}

export function apiGet<T>(url: string, signal?: AbortSignal): Promise<T> {
  return request<T>(url, signal ? { signal } : {});
}

/** Fetches the session (and with it a fresh CSRF token) and tells the session store. */
export async function fetchSession(): Promise<SessionAnswer> {
  const answer = await request<SessionAnswer>("/api/session", { cache: "no-store" });
  acceptSession(answer);
  return answer;
}

/** Takes the CSRF token from a session answer and passes the answer on to the session store. */
export function acceptSession(answer: SessionAnswer): void {
  setCsrfToken(answer.csrfToken);
  emit({ type: "session", answer });
}

export type UnsafeMethod = "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Sends a request that changes something, with the CSRF token. body undefined sends no body (a
 * DELETE, a POST without parameters); an answer without body (204) resolves to undefined.
 */
export async function apiSend<T>(method: UnsafeMethod, url: string, body?: unknown): Promise<T> {
  const attempt = () => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (csrfToken !== null) headers["x-csrf-token"] = csrfToken;
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    return request<T>(url, init);
  };
  try {
    return await attempt();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 403 && e.code === "csrf")) throw e;
    await fetchSession();
    return attempt();
  }
}

/** Answers that rarely change (municipalities, organisations) are kept until an import. */
const cache = new Map<string, unknown>();
let cacheVersion = 0;
const cacheListeners = new Set<() => void>();

function subscribeCache(listener: () => void): () => void {
  cacheListeners.add(listener);
  return () => cacheListeners.delete(listener);
}

function getCacheVersion(): number {
  return cacheVersion;
}

/** Forgets cached answers under prefix; views showing them fetch again. */
export function invalidateCache(prefix = ""): void {
  for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k);
  cacheVersion += 1;
  for (const l of cacheListeners) l();
}

export interface Resource<T> {
  /** The latest answer; while a new one loads it stays (stale: true) so the page does not jump. */
  data: T | undefined;
  loading: boolean;
  stale: boolean;
  error: ApiError | undefined;
  reload(): void;
}

/** GETs url (null: nothing yet) and follows it when it changes; the previous request is aborted. */
export function useApi<T>(url: string | null, opts: { cache?: boolean } = {}): Resource<T> {
  const useCache = opts.cache === true;
  const cached = url !== null && useCache ? (cache.get(url) as T | undefined) : undefined;
  const [state, setState] = useState<{
    url: string | null;
    data: T | undefined;
    error: ApiError | undefined;
  }>({ url: cached !== undefined ? url : null, data: cached, error: undefined });
  const [attempt, setAttempt] = useState(0);
  const version = useSyncExternalStore(subscribeCache, getCacheVersion);

  useEffect(() => {
    void attempt;
    void version;
    if (url === null) return;
    if (useCache && cache.has(url)) {
      const hit = cache.get(url) as T;
      setState((s) => (s.url === url && s.data === hit ? s : { url, data: hit, error: undefined }));
      return;
    }
    const ctl = new AbortController();
    setState((s) => (s.error ? { ...s, error: undefined } : s));
    apiGet<T>(url, ctl.signal).then(
      (data) => {
        if (useCache) cache.set(url, data);
        setState({ url, data, error: undefined });
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        const err = asApiError(e);
        setState((s) => ({ ...s, error: err }));
      },
    );
    return () => ctl.abort();
  }, [url, useCache, attempt, version]);

  const reload = useCallback(() => {
    if (url !== null) cache.delete(url);
    setAttempt((a) => a + 1);
  }, [url]);
  if (useCache && url !== null && cache.has(url) && state.error === undefined) {
    return { data: cache.get(url) as T, loading: false, stale: false, error: undefined, reload };
  }
  const current = state.url === url;
  return {
    data: state.data,
    loading: !current && state.error === undefined,
    stale: !current && state.data !== undefined,
    error: state.error,
    reload,
  };
}
