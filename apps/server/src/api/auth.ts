/**
 * Signing in and out, the user's own password, sign-in through the municipality's identity
 * provider, and the administration of users and API tokens.
 */

import { MIN_PASSWORD_LENGTH } from "@bevilling/core";
import { historyOf, insertOidcPending, listTokens, takeOidcPending } from "@bevilling/db";
import {
  BadRequest,
  changeOwnPassword,
  createToken,
  createUser,
  FAILURE_WINDOW_MS,
  getUserView,
  listUserViews,
  MAX_FAILURES_PER_USER,
  newTokenSchema,
  newUserSchema,
  type Principal,
  resetPassword,
  revokeToken,
  SESSION_COOKIE,
  sha256,
  signIn,
  signInWithIdentity,
  signOut,
  tokenView,
  Unauthenticated,
  updateUser,
  userPatchSchema,
  userPrincipal,
} from "@bevilling/services";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { actorOf } from "../actor.ts";
import { OidcError } from "../oidc.ts";
import { type AppContext, defineRoute } from "../routes.ts";
import { idSchema } from "../schemas.ts";
import {
  clearCookie,
  OIDC_COOKIE,
  parseCookies,
  sessionSecretOf,
  setCookie,
  setSessionCookie,
} from "../session.ts";
import { entryView } from "./audit.ts";

/** What the web application needs to know about who is signed in. */
function sessionView(app: AppContext, p: Principal) {
  const oidc = { enabled: app.auth.oidc !== null, label: app.auth.oidc?.label ?? "" };
  if (p.kind !== "user") return { user: null, csrfToken: null, oidc };
  return {
    user: {
      id: p.userId,
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      units: p.units.map((u) => ({ id: u.id, municipalityCode: u.municipalityCode, name: u.name })),
      mustChangePassword: p.mustChangePassword,
    },
    csrfToken: p.csrfToken,
    oidc,
  };
}

/**
 * Only addresses inside Bevilling: "/kommune/340", never "//evil.example" or "https://…". Browsers
 * drop tabs and line breaks from an address and read "\\" as "/", so "/\t/evil.example" and
 * "/\\evil.example" are "//evil.example" to them: control characters and backslashes are refused too.
 */
function safeReturnTo(path: string | undefined): string {
  if (!path?.startsWith("/") || path.startsWith("//")) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return "/";
  return path.length > 500 ? "/" : path;
}

const userParams = z.object({ id: idSchema.meta({ description: "Brugerens id" }) });
const tokenParams = z.object({ id: idSchema.meta({ description: "Nøglens id" }) });

/** A pending identity-provider sign-in is valid for ten minutes. */
const OIDC_PENDING_MS = 10 * 60 * 1000;

function loginError(reply: FastifyReply, message: string) {
  return reply.redirect(`/log-ind?fejl=${encodeURIComponent(message)}`, 303);
}

function signedInUser(req: FastifyRequest) {
  const p = req.principal;
  if (p.kind !== "user") throw new Unauthenticated("Kun en bruger, der er logget ind i browseren, kan dette");
  return p;
}

export const authRoutes = [
  defineRoute({
    method: "GET",
    url: "/api/session",
    summary: "Hvem er logget ind",
    description:
      "Brugeren (eller null), CSRF-tokenet, som skal sendes i x-csrf-token ved ændringer, og om der kan logges ind " +
      "via kommunens identitetsudbyder.",
    tags: ["Adgang"],
    access: "public",
    response: { description: "Sessionen" },
    handler: async ({ app, req }) => sessionView(app, req.principal),
  }),
  defineRoute({
    method: "POST",
    url: "/api/session",
    summary: "Log ind med brugernavn og adgangskode",
    description:
      `Sætter en HttpOnly-sessionscookie. Efter ${MAX_FAILURES_PER_USER} mislykkede forsøg på et brugernavn ` +
      `inden for ${FAILURE_WINDOW_MS / 60_000} minutter afvises nye forsøg med 429, til det ældste forsøg er ` +
      `${FAILURE_WINDOW_MS / 60_000} minutter gammelt.`,
    tags: ["Adgang"],
    access: "public",
    body: z.strictObject({
      username: z.string().trim().min(1, "mangler").max(200),
      password: z.string().min(1, "mangler").max(1000),
    }),
    response: {
      description: "Sessionen for den nye bruger",
      errors: { 401: "Forkert brugernavn eller adgangskode", 429: "For mange mislykkede forsøg" },
    },
    handler: async ({ app, body, req, reply }) => {
      const session = await signIn(app.db, { username: body.username, password: body.password, ip: req.ip });
      const old = sessionSecretOf(req);
      if (old) await signOut(app.db, old);
      setSessionCookie(reply, session, app.auth.secureCookies || req.protocol === "https");
      req.log.info({ userId: session.user.id }, "logget ind");
      return sessionView(app, userPrincipal(session.user, sha256(session.secret), session.csrfToken));
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/api/session",
    summary: "Log ud",
    tags: ["Adgang"],
    access: "signedIn",
    response: { status: 204, description: "Logget ud" },
    handler: async ({ app, req, reply }) => {
      const secret = sessionSecretOf(req);
      if (secret) await signOut(app.db, secret);
      clearCookie(reply, SESSION_COOKIE, app.auth.secureCookies);
      return reply.code(204).send();
    },
  }),
  defineRoute({
    method: "POST",
    url: "/api/session/password",
    summary: "Skift egen adgangskode",
    description:
      `Den nuværende adgangskode skal angives. Den nye skal have mindst ${MIN_PASSWORD_LENGTH} tegn og må ikke indeholde ` +
      "brugernavnet. Brugerens andre sessioner logges ud.",
    tags: ["Adgang"],
    access: "signedIn",
    body: z.strictObject({
      currentPassword: z.string().min(1, "mangler").max(1000),
      newPassword: z.string().min(1, "mangler").max(1000),
    }),
    response: { description: "Sessionen med mustChangePassword: false" },
    handler: async ({ app, body, req }) => {
      const p = signedInUser(req);
      const user = await changeOwnPassword(app.db, p.userId, body, p.sessionHash, actorOf(req), req.ip);
      return sessionView(app, { ...p, mustChangePassword: user.mustChangePassword });
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/auth/oidc/start",
    summary: "Log ind via kommunens identitetsudbyder",
    description: "Sender browseren videre til identitetsudbyderen (OpenID Connect med PKCE).",
    tags: ["Adgang"],
    access: "public",
    query: z.object({ returnTo: z.string().max(500).optional() }),
    response: { status: 303, description: "Videresendelse til identitetsudbyderen" },
    handler: async ({ app, query, reply }) => {
      const oidc = app.auth.oidc;
      if (!oidc) return loginError(reply, "Login via kommunens identitetsudbyder er ikke sat op");
      const { url, pending } = await oidc.start();
      await insertOidcPending(
        app.db,
        {
          stateHash: sha256(pending.state),
          nonce: pending.nonce,
          codeVerifier: pending.codeVerifier,
          returnTo: safeReturnTo(query.returnTo),
        },
        new Date(Date.now() - OIDC_PENDING_MS),
      );
      // The browser that started the sign-in must be the one that finishes it.
      setCookie(reply, OIDC_COOKIE, pending.state, app.auth.secureCookies, OIDC_PENDING_MS / 1000);
      return reply.redirect(url, 303);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/auth/oidc/callback",
    summary: "Identitetsudbyderens svar",
    tags: ["Adgang"],
    access: "public",
    query: z.object({ state: z.string().max(500).optional() }).loose(),
    response: {
      status: 303,
      description: "Videresendelse til siden, login startede fra, eller til login-siden",
    },
    handler: async ({ app, query, req, reply }) => {
      const oidc = app.auth.oidc;
      if (!oidc) return loginError(reply, "Login via kommunens identitetsudbyder er ikke sat op");
      const state = query.state ?? "";
      const started = parseCookies(req.headers.cookie).get(OIDC_COOKIE);
      clearCookie(reply, OIDC_COOKIE, app.auth.secureCookies);
      const pending = state
        ? await takeOidcPending(app.db, sha256(state), new Date(Date.now() - OIDC_PENDING_MS))
        : undefined;
      if (!pending || started !== state) {
        return loginError(reply, "Login kunne ikke gennemføres: start forfra fra login-siden");
      }
      try {
        const callback = new URL(oidc.redirectUri);
        callback.search = new URL(req.url, "http://x").search;
        const identity = await oidc.finish(callback, { state, ...pending });
        const session = await signInWithIdentity(app.db, identity);
        const old = sessionSecretOf(req);
        if (old) await signOut(app.db, old);
        setSessionCookie(reply, session, app.auth.secureCookies || req.protocol === "https");
        req.log.info({ userId: session.user.id }, "logget ind via identitetsudbyder");
        return reply.redirect(pending.returnTo, 303);
      } catch (e) {
        // Only messages written for the user reach the address bar; anything else is internal.
        const message =
          e instanceof OidcError || e instanceof BadRequest ? e.message : "Login mislykkedes; prøv igen";
        req.log.warn({ reason: (e as { code?: string }).code }, "login via identitetsudbyder afvist");
        return loginError(reply, message);
      }
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/users",
    summary: "Alle brugere",
    tags: ["Adgang"],
    access: "admin",
    response: { description: "Brugerne med rolle, enheder og version" },
    handler: async ({ app }) => listUserViews(app.db),
  }),
  defineRoute({
    method: "POST",
    url: "/api/users",
    summary: "Opret en bruger",
    description:
      "Brugeren får en engangsadgangskode, som vises her én gang og skal skiftes ved første login. En " +
      "budgetansvarlig skal have mindst én enhed; de andre roller har ingen.",
    tags: ["Adgang"],
    access: "admin",
    body: newUserSchema.strict(),
    response: {
      status: 201,
      description: "Brugeren og engangsadgangskoden",
      errors: { 409: "Brugernavnet er optaget" },
    },
    handler: async ({ app, body, req }) => createUser(app.db, body, actorOf(req)),
  }),
  defineRoute({
    method: "PATCH",
    url: "/api/users/:id",
    summary: "Ret en bruger",
    description: "Navn, rolle, enheder og om brugeren er spærret. version er den version, man har rettet i.",
    tags: ["Adgang"],
    access: "admin",
    params: userParams,
    body: userPatchSchema.strict(),
    response: {
      description: "Brugeren efter ændringen",
      errors: { 409: "Brugeren er ændret af en anden imens" },
    },
    handler: async ({ app, params, body, req }) => updateUser(app.db, params.id, body, actorOf(req)),
  }),
  defineRoute({
    method: "POST",
    url: "/api/users/:id/password-reset",
    summary: "Giv en bruger en ny engangsadgangskode",
    description: "Brugeren logges ud alle steder og skal vælge en ny adgangskode ved næste login.",
    tags: ["Adgang"],
    access: "admin",
    params: userParams,
    response: { description: "Engangsadgangskoden, vist denne ene gang" },
    handler: async ({ app, params, req }) => resetPassword(app.db, params.id, actorOf(req)),
  }),
  defineRoute({
    method: "GET",
    url: "/api/users/:id/history",
    summary: "Historikken for en bruger",
    tags: ["Adgang"],
    access: "admin",
    params: userParams,
    response: { description: "Revisionssporets poster om brugeren, ældste først" },
    handler: async ({ app, params }) => {
      await getUserView(app.db, params.id);
      return (await historyOf(app.db, "user", String(params.id))).map(entryView);
    },
  }),
  defineRoute({
    method: "GET",
    url: "/api/tokens",
    summary: "API-nøgler",
    tags: ["Adgang"],
    access: "admin",
    response: { description: "Nøglerne uden deres hemmelighed (kun de første tegn)" },
    handler: async ({ app }) => (await listTokens(app.db)).map(tokenView),
  }),
  defineRoute({
    method: "POST",
    url: "/api/tokens",
    summary: "Opret en API-nøgle",
    description:
      "Nøglen får en rolle (og enheder for en budgetansvarlig) og bruges som Authorization: Bearer <nøgle>. " +
      "Hemmeligheden vises kun i dette svar; Bevilling gemmer kun dens SHA-256.",
    tags: ["Adgang"],
    access: "admin",
    body: newTokenSchema.strict(),
    response: { status: 201, description: "Nøglen og dens hemmelighed" },
    handler: async ({ app, body, req }) => createToken(app.db, body, actorOf(req)),
  }),
  defineRoute({
    method: "DELETE",
    url: "/api/tokens/:id",
    summary: "Træk en API-nøgle tilbage",
    tags: ["Adgang"],
    access: "admin",
    params: tokenParams,
    response: { description: "Nøglen med tidspunktet, den blev trukket tilbage" },
    handler: async ({ app, params, req }) => revokeToken(app.db, params.id, actorOf(req)),
  }),
];
