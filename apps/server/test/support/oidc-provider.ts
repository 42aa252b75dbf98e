/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 for tests, so the relying party is
 * checked against the same protocol details a municipality's identity provider has: discovery,
 * signed ID tokens, PKCE, the `iss` authorization response parameter and single-use codes.
 *
 * Interaction is our own, not oidc-provider's devInteractions: those accept any login name, even
 * one `findAccount` does not know, and have no way to decline. Consent is given automatically (as
 * for a first-party application), so the only page is the login page at /interaction/:uid.
 *
 * For a browser test (Chromium via playwright-core), after following the authorization URL:
 *   - fill `input[name=login]` with an account id (a key of `accounts`, which is also the `sub`),
 *   - fill `input[name=password]` with any non-empty text (passwords are not checked),
 *   - click `#login-submit` (or press Enter in the form); the browser is then redirected to the
 *     client's redirect_uri with `code`, `state` and `iss`.
 *   - clicking `#login-deny` instead redirects with `error=access_denied`.
 * An unknown account id re-renders the login page with the message in `#login-error`.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestAccount {
  preferred_username: string;
  email?: string;
  /** Whether the provider has verified the address (the claim email_verified). */
  email_verified?: boolean;
  name?: string;
}

export interface OidcProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  accounts: Record<string, TestAccount>;
}

export interface TestOidcProvider {
  /** Without a trailing slash, e.g. http://127.0.0.1:41234 */
  issuer: string;
  close(): Promise<void>;
  /** Logs in as `accountId` and returns the redirect to the client (with code and state), not followed. */
  signIn(authorizationUrl: string, accountId: string): Promise<string>;
  /** Declines on the login page; the returned redirect carries error=access_denied. */
  deny(authorizationUrl: string): Promise<string>;
}

/** The parts of oidc-provider used here; the package ships no type declarations. */
interface Interaction {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}
interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
  Grant: {
    new (init: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  };
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => Provider;
interface RenderContext {
  type: string;
  body: unknown;
}

// A non-literal specifier keeps tsc from demanding declarations that oidc-provider does not have.
const PROVIDER_MODULE: string = "oidc-provider";

export async function startOidcProvider(opts: OidcProviderOptions): Promise<TestOidcProvider> {
  const { default: ProviderImpl } = (await import(PROVIDER_MODULE)) as { default: ProviderClass };

  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) handle(req, res);
    else res.writeHead(503).end();
  });
  // The issuer must contain the port, which is only known once the server listens.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new ProviderImpl(issuer, providerConfiguration(opts));
  const providerCallback = provider.callback();
  handle = (req, res) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    if (!path.startsWith("/interaction/")) {
      providerCallback(req, res);
      return;
    }
    handleInteraction(provider, opts.accounts, req, res, path).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(page("Fejl", `<p id="login-error">${escapeHtml(String(err))}</p>`));
    });
  };

  const redirectTargets = opts.redirectUris.map((uri) => withoutQuery(new URL(uri)));
  const drive = (authorizationUrl: string, action: LoginAction) =>
    driveLogin(authorizationUrl, action, (url) => redirectTargets.includes(withoutQuery(url)));

  return {
    issuer,
    signIn: (authorizationUrl, accountId) => drive(authorizationUrl, { accountId }),
    deny: (authorizationUrl) => drive(authorizationUrl, "deny"),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from fetch would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

function providerConfiguration(opts: OidcProviderOptions): Record<string, unknown> {
  // Own keys so the provider does not fall back to (and warn about) its development keys.
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const minutes = (n: number) => () => n * 60;
  return {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: "test-signing-key", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: minutes(10),
      AuthorizationCode: minutes(1),
      IdToken: minutes(10),
      Interaction: minutes(10),
      Session: minutes(10),
      Grant: minutes(10),
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = Object.hasOwn(opts.accounts, sub) ? opts.accounts[sub] : undefined;
      if (account === undefined) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
    renderError: async (ctx: RenderContext, out: Record<string, unknown>) => {
      ctx.type = "html";
      ctx.body = page(
        "Fejl",
        `<p id="provider-error">${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ""))}</p>`,
      );
    },
  };
}

async function handleInteraction(
  provider: Provider,
  accounts: Record<string, TestAccount>,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const base = `/interaction/${details.uid}`;

  if (details.prompt.name === "consent") {
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grantAll(provider, details) } },
      {
        mergeWithLastSubmission: true,
      },
    );
    return;
  }
  if (details.prompt.name !== "login") throw new Error(`Uventet prompt: ${details.prompt.name}`);

  if (req.method === "POST" && path === `${base}/abort`) {
    await provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "Brugeren afviste login" },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (req.method === "POST" && path === `${base}/login`) {
    const form = await readForm(req);
    const login = form.get("login") ?? "";
    if (Object.hasOwn(accounts, login) && form.get("password")) {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: login } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    sendLoginPage(res, base, `Ukendt bruger eller tom adgangskode: ${login}`);
    return;
  }
  if (req.method === "GET" && path === base) {
    sendLoginPage(res, base, null);
    return;
  }
  res.writeHead(404).end();
}

async function grantAll(provider: Provider, details: Interaction): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (accountId === undefined || typeof clientId !== "string") throw new Error("Samtykke uden login");
  const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId);
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  return grant.save();
}

function sendLoginPage(res: ServerResponse, base: string, error: string | null): void {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(
    page(
      "Log ind",
      `${error === null ? "" : `<p id="login-error" role="alert">${escapeHtml(error)}</p>`}
<form id="login-form" method="post" action="${base}/login">
  <label>Bruger-id <input name="login" autocomplete="off" required autofocus></label>
  <label>Adgangskode <input name="password" type="password" required></label>
  <button id="login-submit" type="submit">Log ind</button>
</form>
<form id="deny-form" method="post" action="${base}/abort">
  <button id="login-deny" type="submit">Afvis</button>
</form>`,
    ),
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>${escapeHtml(title)} – testudbyder</title></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

type LoginAction = { accountId: string } | "deny";

/**
 * Plays the browser: follows the provider's redirects by hand (carrying its cookies) and submits the
 * login page, stopping at the first redirect to the client so the test decides what to do with it.
 */
async function driveLogin(
  authorizationUrl: string,
  action: LoginAction,
  isClientRedirect: (url: URL) => boolean,
): Promise<string> {
  const cookies = new Map<string, string>();
  let request: { url: URL; method: "GET" | "POST"; body?: URLSearchParams } = {
    url: new URL(authorizationUrl),
    method: "GET",
  };
  let submitted = false;
  for (let hop = 0; hop < 20; hop++) {
    const headers: Record<string, string> = {};
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    });
    storeCookies(cookies, res.headers.getSetCookie());

    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location !== null) {
      await res.body?.cancel();
      const target = new URL(location, request.url);
      if (isClientRedirect(target)) return target.href;
      request = { url: target, method: "GET" };
      continue;
    }

    const html = await res.text();
    const formId = action === "deny" ? "deny-form" : "login-form";
    const formAction = new RegExp(`<form id="${formId}" method="post" action="([^"]+)"`).exec(html)?.[1];
    if (res.status === 200 && formAction !== undefined && !submitted) {
      submitted = true;
      const body =
        action === "deny"
          ? new URLSearchParams()
          : new URLSearchParams({ login: action.accountId, password: "x" });
      request = { url: new URL(formAction, request.url), method: "POST", body };
      continue;
    }
    const message = /<p id="(?:login|provider)-error"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
    throw new Error(
      `Testudbyderen svarede ${res.status} på ${request.url.pathname}${message ? `: ${message}` : ""}`,
    );
  }
  throw new Error("Testudbyderen sendte for mange omdirigeringer");
}

function storeCookies(jar: Map<string, string>, setCookies: string[]): void {
  for (const header of setCookies) {
    const [pair = "", ...attributes] = header.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const expired = attributes.some((attribute) => {
      const [key = "", value = ""] = attribute.trim().split("=");
      if (key.toLowerCase() === "max-age") return Number(value) <= 0;
      if (key.toLowerCase() === "expires") return Date.parse(value) <= Date.now();
      return false;
    });
    if (expired) jar.delete(name);
    else jar.set(name, pair.slice(eq + 1).trim());
  }
}
