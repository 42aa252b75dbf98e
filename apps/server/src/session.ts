/**
 * Who is asking, for every request: an API token (Authorization: Bearer bvl_…), a browser session
 * (HttpOnly cookie), or nobody. A token that does not work is refused outright instead of being
 * treated as anonymous, so an integration with a revoked token fails loudly.
 *
 * CSRF: a browser session must send its session's CSRF token in the x-csrf-token header with
 * every state-changing request; a cross-site page can neither read that token nor set the header
 * without a CORS preflight, which Bevilling never grants. Requests whose Origin header names
 * another site are refused as well. Token requests carry no ambient credentials and need neither.
 */
import { timingSafeEqual } from "node:crypto";
import type { Database } from "@bevilling/db";
import {
  ANONYMOUS,
  type NewSession,
  type Principal,
  principalOfSession,
  principalOfToken,
  SESSION_COOKIE,
  SESSION_MAX_MS,
  Unauthenticated,
} from "@bevilling/services";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";

export const OIDC_COOKIE = "bevilling_oidc";

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (!out.has(name)) {
      try {
        out.set(name, decodeURIComponent(value));
      } catch {
        // A cookie we did not write; ignore it.
      }
    }
  }
  return out;
}

export function cookie(
  name: string,
  value: string,
  opts: { secure: boolean; maxAgeSeconds?: number; path?: string },
): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${opts.path ?? "/"}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
  if (opts.secure) parts.push("Secure");
  return parts.join("; ");
}

function appendSetCookie(reply: FastifyReply, value: string): void {
  const prev = reply.getHeader("set-cookie");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header("set-cookie", [...list, value]);
}

/**
 * The cookie is written once, at sign-in, so it must outlive the session's sliding idle expiry:
 * it lives as long as a session can (SESSION_MAX_MS) and the server ends the session earlier
 * after SESSION_IDLE_MS without a request. With the idle time as its lifetime, an active user
 * lost the cookie, and with it the session, 8 hours after signing in.
 */
export function setSessionCookie(reply: FastifyReply, session: NewSession, secure: boolean): void {
  appendSetCookie(
    reply,
    cookie(SESSION_COOKIE, session.secret, { secure, maxAgeSeconds: Math.floor(SESSION_MAX_MS / 1000) }),
  );
}

export function clearCookie(reply: FastifyReply, name: string, secure: boolean): void {
  appendSetCookie(reply, cookie(name, "", { secure, maxAgeSeconds: 0 }));
}

export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  secure: boolean,
  maxAge: number,
): void {
  appendSetCookie(reply, cookie(name, value, { secure, maxAgeSeconds: maxAge }));
}

export function sessionSecretOf(req: FastifyRequest): string | undefined {
  return parseCookies(req.headers.cookie).get(SESSION_COOKIE);
}

async function principalOf(db: Kysely<Database>, req: FastifyRequest): Promise<Principal> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const p = m?.[1] ? await principalOfToken(db, m[1]) : undefined;
    if (!p) throw new Unauthenticated("API-nøglen er ugyldig eller trukket tilbage");
    return p;
  }
  const secret = sessionSecretOf(req);
  if (secret === undefined) return ANONYMOUS;
  return (await principalOfSession(db, secret)) ?? ANONYMOUS;
}

export function installSessions(app: FastifyInstance, db: Kysely<Database>): void {
  app.decorateRequest("principal", null as never);
  app.addHook("onRequest", async (req) => {
    req.principal = ANONYMOUS;
    // Only the API needs to know; the web application's files are the same for everyone.
    if (!req.url.startsWith("/api/")) return;
    req.principal = await principalOf(db, req);
  });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a state-changing request may proceed (see the top of this file). */
export function checkCsrf(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== "null") {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false;
    }
    // req.host honours X-Forwarded-Host when the server is told to trust its proxy.
    if (host !== req.host) return false;
  } else if (origin === "null") {
    return false;
  }
  const p = req.principal;
  if (p.kind !== "user") return true;
  const sent = req.headers["x-csrf-token"];
  return typeof sent === "string" && sameText(sent, p.csrfToken);
}
