/** Talking to the HTTP API: JSON in and out, every failure turned into an ApiError with Danish text. */
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { t } from "../i18n/da.ts";
import type { ErrorBody } from "./types.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.error);
    this.name = "ApiError";
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === "object" && v !== null && typeof (v as { error?: unknown }).error === "string";
}

async function request<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, { error: t("state.networkError") });
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    throw new ApiError(
      res.status,
      isErrorBody(body) ? body : { error: t("state.serverError", { status: res.status }) },
    );
  }
  return body as T;
}

export function apiGet<T>(url: string, signal?: AbortSignal): Promise<T> {
  return request<T>(url, signal ? { signal } : {});
}

export function apiSend<T>(method: "POST" | "PUT", url: string, body: unknown): Promise<T> {
  return request<T>(url, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
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
        const err = e instanceof ApiError ? e : new ApiError(0, { error: t("state.networkError") });
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
