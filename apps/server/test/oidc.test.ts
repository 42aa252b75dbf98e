import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { calculatePKCECodeChallenge } from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OidcClient, OidcError, type OidcSettings, oidcSettingsFromEnv } from "../src/oidc.ts";
import { startOidcProvider, type TestOidcProvider } from "./support/oidc-provider.ts";

const CLIENT_ID = "bevilling-test";
const CLIENT_SECRET = "hemmelig-klientnoegle-til-test-0123456789";
// Never requested: the tests hand the callback URL to finish() themselves.
const REDIRECT_URI = "http://127.0.0.1:9/auth/oidc/callback";

describe("OpenID Connect login", () => {
  let provider: TestOidcProvider;
  let settings: OidcSettings;
  let client: OidcClient;

  beforeAll(async () => {
    provider = await startOidcProvider({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [REDIRECT_URI],
      accounts: {
        "u-1001": {
          preferred_username: "anna",
          email: "anna@kommune.dk",
          email_verified: true,
          name: "Anna Jensen",
        },
        "u-2002": { preferred_username: "bo" },
        "u-3003": { preferred_username: "cai", email: "cai@selvvalgt.example", email_verified: false },
      },
    });
    settings = {
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      scopes: "openid profile email",
      usernameClaim: "preferred_username",
      label: "Log ind med testudbyderen",
      allowHttp: true,
    };
    client = await OidcClient.create(settings);
  });

  afterAll(async () => {
    await provider?.close();
  });

  async function expectOidcError(promise: Promise<unknown>, code: string): Promise<OidcError> {
    const err = await promise.then(
      () => expect.fail(`forventede OidcError med koden ${code}`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OidcError);
    const oidcError = err as OidcError;
    expect(oidcError.code).toBe(code);
    expect(oidcError.message).toMatch(
      /^(Login hos identitetsudbyderen mislykkedes: |Kunne ikke hente oplysninger fra identitetsudbyderen |OIDC er forkert konfigureret: )/,
    );
    expect(oidcError.message).not.toContain(CLIENT_SECRET);
    expect(oidcError.detail ?? "").not.toContain(CLIENT_SECRET);
    return oidcError;
  }

  it("starts an authorization code flow with PKCE S256, state and nonce", async () => {
    const { url, pending } = await client.start();
    const params = new URL(url).searchParams;
    expect(url.startsWith(`${provider.issuer}/`)).toBe(true);
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe(CLIENT_ID);
    expect(params.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(params.get("scope")).toBe("openid profile email");
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toBe(await calculatePKCECodeChallenge(pending.codeVerifier));
    expect(params.get("state")).toBe(pending.state);
    expect(params.get("nonce")).toBe(pending.nonce);
    expect(url).not.toContain(CLIENT_SECRET);
    expect(url).not.toContain(pending.codeVerifier);

    const other = await client.start();
    expect(other.pending.state).not.toBe(pending.state);
    expect(other.pending.nonce).not.toBe(pending.nonce);
    expect(other.pending.codeVerifier).not.toBe(pending.codeVerifier);
  });

  it("signs in and returns the identity from the provider", async () => {
    const { url, pending } = await client.start();
    const callback = await provider.signIn(url, "u-1001");
    expect(callback.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    expect(new URL(callback).searchParams.get("state")).toBe(pending.state);

    const identity = await client.finish(new URL(callback), pending);
    expect(identity).toEqual({
      issuer: provider.issuer,
      subject: "u-1001",
      username: "anna",
      email: "anna@kommune.dk",
      name: "Anna Jensen",
    });
  });

  it("gives null for claims the account lacks", async () => {
    const { url, pending } = await client.start();
    const identity = await client.finish(new URL(await provider.signIn(url, "u-2002")), pending);
    expect(identity).toEqual({
      issuer: provider.issuer,
      subject: "u-2002",
      username: "bo",
      email: null,
      name: null,
    });
  });

  it("falls back to the email when the configured username claim is missing", async () => {
    const upnClient = await OidcClient.create({ ...settings, usernameClaim: "upn" });
    const { url, pending } = await upnClient.start();
    const identity = await upnClient.finish(new URL(await provider.signIn(url, "u-1001")), pending);
    expect(identity.username).toBe("anna@kommune.dk");
    expect(identity.subject).toBe("u-1001");
  });

  it("does not let an unverified email address stand in for the username", async () => {
    const upnClient = await OidcClient.create({ ...settings, usernameClaim: "upn" });
    const { url, pending } = await upnClient.start();
    const identity = await upnClient.finish(new URL(await provider.signIn(url, "u-3003")), pending);
    expect(identity.email).toBe("cai@selvvalgt.example");
    expect(identity.username).toBeNull();
  });

  it("uses the configured redirect URI even when the callback arrives under another host", async () => {
    const { url, pending } = await client.start();
    const callback = new URL(await provider.signIn(url, "u-1001"));
    const seenBehindProxy = new URL(`http://bevilling.internal:8080/auth/oidc/callback${callback.search}`);
    const identity = await client.finish(seenBehindProxy, pending);
    expect(identity.subject).toBe("u-1001");
  });

  it("refuses a callback whose state does not match, without spending the code", async () => {
    const { url, pending } = await client.start();
    const callback = new URL(await provider.signIn(url, "u-1001"));
    await expectOidcError(client.finish(callback, { ...pending, state: "forfalsket" }), "state_mismatch");

    const tampered = new URL(callback);
    tampered.searchParams.set("state", "forfalsket");
    await expectOidcError(client.finish(tampered, pending), "state_mismatch");

    const withoutState = new URL(callback);
    withoutState.searchParams.delete("state");
    await expectOidcError(client.finish(withoutState, pending), "state_mismatch");

    expect((await client.finish(callback, pending)).subject).toBe("u-1001");
  });

  it("refuses an ID token whose nonce belongs to another login attempt", async () => {
    const { url, pending } = await client.start();
    const callback = new URL(await provider.signIn(url, "u-1001"));
    const err = await expectOidcError(
      client.finish(callback, { ...pending, nonce: "en-anden-nonce" }),
      "nonce_mismatch",
    );
    expect(err.message).toContain("nonce");
  });

  it("refuses the wrong PKCE verifier", async () => {
    const { url, pending } = await client.start();
    const callback = new URL(await provider.signIn(url, "u-1001"));
    const other = await client.start();
    await expectOidcError(
      client.finish(callback, { ...pending, codeVerifier: other.pending.codeVerifier }),
      "invalid_grant",
    );
  });

  it("refuses to use the same code twice", async () => {
    const { url, pending } = await client.start();
    const callback = new URL(await provider.signIn(url, "u-1001"));
    expect((await client.finish(callback, pending)).username).toBe("anna");
    const err = await expectOidcError(client.finish(callback, pending), "invalid_grant");
    expect(err.message).toContain("allerede brugt");
    expect(err.message).not.toContain(callback.searchParams.get("code") ?? "<no code>");
  });

  it("reports a declined login (error=access_denied)", async () => {
    const { url, pending } = await client.start();
    const callback = new URL(await provider.deny(url));
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(pending.state);
    expect(callback.searchParams.has("code")).toBe(false);
    const err = await expectOidcError(client.finish(callback, pending), "access_denied");
    expect(err.message).toContain("adgang blev nægtet");
  });

  it("sanitises an error code from the callback before using it in the message", async () => {
    const { pending } = await client.start();
    const callback = new URL(REDIRECT_URI);
    callback.searchParams.set("error", "<script>alert(1)</script>");
    callback.searchParams.set("state", pending.state);
    const err = await expectOidcError(client.finish(callback, pending), "scriptalert1script");
    expect(err.message).not.toContain("<");
  });

  it("refuses a callback without a code", async () => {
    const { pending } = await client.start();
    const callback = new URL(REDIRECT_URI);
    callback.searchParams.set("state", pending.state);
    await expectOidcError(client.finish(callback, pending), "missing_code");
  });

  it("fails at finish when the client secret is wrong, without revealing it", async () => {
    const wrongSecret = "forkert-hemmelighed-9876543210";
    const wrong = await OidcClient.create({ ...settings, clientSecret: wrongSecret });
    const { url, pending } = await wrong.start();
    const callback = new URL(await provider.signIn(url, "u-1001"));
    const err = await expectOidcError(wrong.finish(callback, pending), "invalid_client");
    expect(err.message).not.toContain(wrongSecret);
    expect(err.detail ?? "").not.toContain(wrongSecret);
  });

  it("reports an unknown account from the provider's login page", async () => {
    const { url } = await client.start();
    await expect(provider.signIn(url, "ukendt")).rejects.toThrow(/Ukendt bruger/);
  });

  it("turns a failing discovery into an OidcError", async () => {
    await expectOidcError(
      OidcClient.create({ ...settings, issuer: `${provider.issuer}/findes-ikke` }),
      "discovery_failed",
    );

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const err = await expectOidcError(
      OidcClient.create({ ...settings, issuer: `http://127.0.0.1:${port}` }),
      "discovery_failed",
    );
    expect(err.message).toContain("svarer ikke");
  });

  it("refuses an http issuer unless allowHttp is set", async () => {
    await expectOidcError(OidcClient.create({ ...settings, allowHttp: false }), "configuration");
  });
});

describe("oidcSettingsFromEnv", () => {
  const complete = {
    BEVILLING_OIDC_ISSUER: "https://login.kommune.dk/realms/ansatte",
    BEVILLING_OIDC_CLIENT_ID: "bevilling",
    BEVILLING_OIDC_CLIENT_SECRET: "s3cr3t-v@rdi",
    BEVILLING_OIDC_REDIRECT_URI: "https://bevilling.kommune.dk/auth/oidc/callback",
  };

  it("is null when no issuer is configured", () => {
    expect(oidcSettingsFromEnv({})).toBeNull();
    expect(oidcSettingsFromEnv({ BEVILLING_OIDC_ISSUER: " ", BEVILLING_OIDC_CLIENT_ID: "x" })).toBeNull();
  });

  it("reads the required variables and fills in defaults", () => {
    expect(oidcSettingsFromEnv(complete)).toEqual({
      issuer: complete.BEVILLING_OIDC_ISSUER,
      clientId: "bevilling",
      clientSecret: "s3cr3t-v@rdi",
      redirectUri: complete.BEVILLING_OIDC_REDIRECT_URI,
      scopes: "openid profile email",
      usernameClaim: "preferred_username",
      label: "Log ind med kommunens login",
      allowHttp: false,
    });
  });

  it("reads the optional variables", () => {
    const settings = oidcSettingsFromEnv({
      ...complete,
      BEVILLING_OIDC_SCOPES: "openid  email",
      BEVILLING_OIDC_USERNAME_CLAIM: "upn",
      BEVILLING_OIDC_LABEL: "Log ind med AD",
      BEVILLING_OIDC_ALLOW_HTTP: "true",
    });
    expect(settings).toMatchObject({ scopes: "openid email", usernameClaim: "upn", label: "Log ind med AD" });
    expect(settings?.allowHttp).toBe(true);
  });

  it("names each missing variable", () => {
    for (const name of [
      "BEVILLING_OIDC_CLIENT_ID",
      "BEVILLING_OIDC_CLIENT_SECRET",
      "BEVILLING_OIDC_REDIRECT_URI",
    ] as const) {
      const env: NodeJS.ProcessEnv = { ...complete };
      delete env[name];
      expect(() => oidcSettingsFromEnv(env), name).toThrow(name);
    }
    expect(() => oidcSettingsFromEnv({ BEVILLING_OIDC_ISSUER: complete.BEVILLING_OIDC_ISSUER })).toThrow(
      /BEVILLING_OIDC_CLIENT_ID, BEVILLING_OIDC_CLIENT_SECRET, BEVILLING_OIDC_REDIRECT_URI/,
    );
  });

  it("refuses an http issuer unless BEVILLING_OIDC_ALLOW_HTTP is set", () => {
    const http = { ...complete, BEVILLING_OIDC_ISSUER: "http://127.0.0.1:8080" };
    expect(() => oidcSettingsFromEnv(http)).toThrow(/https/);
    expect(() => oidcSettingsFromEnv({ ...http, BEVILLING_OIDC_ALLOW_HTTP: "0" })).toThrow(/https/);
    expect(oidcSettingsFromEnv({ ...http, BEVILLING_OIDC_ALLOW_HTTP: "1" })?.allowHttp).toBe(true);
    expect(() => oidcSettingsFromEnv({ ...http, BEVILLING_OIDC_ALLOW_HTTP: "ja" })).toThrow(
      /BEVILLING_OIDC_ALLOW_HTTP/,
    );
  });

  it("refuses scopes without openid and an invalid issuer, without echoing the secret", () => {
    expect(() => oidcSettingsFromEnv({ ...complete, BEVILLING_OIDC_SCOPES: "profile email" })).toThrow(
      /openid/,
    );
    let message = "";
    try {
      oidcSettingsFromEnv({ ...complete, BEVILLING_OIDC_ISSUER: "ikke en adresse" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/BEVILLING_OIDC_ISSUER er ikke en gyldig/);
    expect(message).not.toContain(complete.BEVILLING_OIDC_CLIENT_SECRET);
  });
});
