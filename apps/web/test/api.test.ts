import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ApiError,
  type ApiEvent,
  apiSend,
  getCsrfToken,
  setCsrfToken,
  subscribeApiEvents,
} from "../src/lib/api.ts";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function respond(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: body === undefined ? {} : { "content-type": "application/json" },
  });
}

const anonymous = { user: null, csrfToken: null, oidc: { enabled: false, label: "" } };

describe("the fetch wrapper", () => {
  let calls: Call[];
  let answers: Response[];
  let events: ApiEvent[];
  let unsubscribe: () => void;

  beforeEach(() => {
    calls = [];
    answers = [];
    events = [];
    unsubscribe = subscribeApiEvents((e) => events.push(e));
    setCsrfToken(null);
    vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
      calls.push({
        url,
        method: init.method ?? "GET",
        headers: (init.headers ?? {}) as Record<string, string>,
        body: init.body as string | undefined,
      });
      const next = answers.shift();
      if (!next) throw new Error(`no answer for ${url}`);
      return next;
    });
  });

  afterEach(() => {
    unsubscribe();
    vi.unstubAllGlobals();
  });

  it("sends the CSRF token with every unsafe request, and JSON only when there is a body", async () => {
    setCsrfToken("tok-1");
    answers.push(respond(200, { ok: true }), respond(204));
    expect(await apiSend("PATCH", "/api/users/3", { version: 2, role: "okonomi" })).toEqual({ ok: true });
    expect(await apiSend("DELETE", "/api/session")).toBeUndefined();
    expect(calls[0]?.headers).toMatchObject({ "x-csrf-token": "tok-1", "content-type": "application/json" });
    expect(calls[0]?.body).toBe('{"version":2,"role":"okonomi"}');
    expect(calls[1]?.method).toBe("DELETE");
    expect(calls[1]?.headers["x-csrf-token"]).toBe("tok-1");
    expect(calls[1]?.headers["content-type"]).toBeUndefined();
    expect(calls[1]?.body).toBeUndefined();
  });

  it("sends no token header when there is none", async () => {
    answers.push(respond(200, anonymous));
    await apiSend("POST", "/api/session", { username: "a", password: "b" });
    expect(calls[0]?.headers["x-csrf-token"]).toBeUndefined();
  });

  it("fetches the session and retries once after a 403 csrf", async () => {
    setCsrfToken("old");
    const session = { ...anonymous, user: { id: 1 }, csrfToken: "new" };
    answers.push(
      respond(403, { error: "Ugyldig CSRF-nøgle", code: "csrf" }),
      respond(200, session),
      respond(200, { saved: true }),
    );
    expect(await apiSend("PUT", "/api/nodes/4/figures", { amount: "100" })).toEqual({ saved: true });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "PUT /api/nodes/4/figures",
      "GET /api/session",
      "PUT /api/nodes/4/figures",
    ]);
    expect(calls[2]?.headers["x-csrf-token"]).toBe("new");
    expect(getCsrfToken()).toBe("new");
    expect(events.some((e) => e.type === "session" && e.answer.csrfToken === "new")).toBe(true);
  });

  it("gives up after the one retry", async () => {
    setCsrfToken("old");
    answers.push(
      respond(403, { error: "CSRF", code: "csrf" }),
      respond(200, { ...anonymous, csrfToken: "new" }),
      respond(403, { error: "CSRF igen", code: "csrf" }),
    );
    const e = await apiSend("POST", "/api/tokens", { name: "x" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toBe("CSRF igen");
    expect(calls).toHaveLength(3);
  });

  it("keeps a 409's current state and tells the session store about refusals", async () => {
    answers.push(respond(409, { error: "Ændret", code: "conflict", current: { version: 4 } }));
    const e = (await apiSend("PATCH", "/api/users/3", { version: 3 }).catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(409);
    expect(e.code).toBe("conflict");
    expect(e.body.current).toEqual({ version: 4 });

    answers.push(respond(403, { error: "Skift adgangskode", code: "password_change_required" }));
    await apiSend("POST", "/api/x", {}).catch(() => undefined);
    expect(events).toContainEqual({
      type: "refused",
      status: 403,
      code: "password_change_required",
      url: "/api/x",
    });
  });

  it("turns an error without a JSON body into Danish text", async () => {
    answers.push(new Response("<html>", { status: 502 }));
    const e = (await apiSend("DELETE", "/api/tokens/1").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.message).toBe("Serveren kunne ikke svare (502).");
  });
});
