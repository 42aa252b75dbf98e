/**
 * Sign-in through the municipality's identity provider with OpenID Connect (authorization code flow
 * with PKCE, state and nonce). The module knows nothing about HTTP routes or sessions: `start` gives
 * the URL to send the browser to plus the values the caller must keep until the callback, and
 * `finish` turns the callback into a verified identity or an `OidcError` with a Danish message.
 *
 * Error messages are shown to users and written to logs, so they never carry the client secret,
 * codes or tokens, and only sanitised error codes from the (untrusted) callback.
 */
import {
  AuthorizationResponseError,
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  type ClientAuth,
  ClientError,
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  calculatePKCECodeChallenge,
  discovery,
  fetchUserInfo,
  type IDToken,
  ResponseBodyError,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
  WWWAuthenticateChallengeError,
} from "openid-client";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string;
  usernameClaim: string;
  label: string;
  allowHttp: boolean;
}

/** What the caller keeps (in its session) between `start` and `finish`. */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  username: string | null;
  email: string | null;
  name: string | null;
}

/**
 * `code` is stable and meant for the program (logging, choosing a status code); `message` is for
 * the user. Codes: "configuration", "discovery_failed", "no_pending", "state_mismatch",
 * "missing_code", "nonce_mismatch", "invalid_grant", "invalid_client", "invalid_id_token",
 * "userinfo_failed", "unreachable", "invalid_response", or the provider's own error code from the
 * callback ("access_denied", "login_required", ...).
 */
export class OidcError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The library's own (English) explanation for the server log; never contains secrets. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = "OidcError";
  }
}

const LOGIN_FAILED = "Login hos identitetsudbyderen mislykkedes";

const ENV = {
  issuer: "BEVILLING_OIDC_ISSUER",
  clientId: "BEVILLING_OIDC_CLIENT_ID",
  clientSecret: "BEVILLING_OIDC_CLIENT_SECRET",
  redirectUri: "BEVILLING_OIDC_REDIRECT_URI",
  scopes: "BEVILLING_OIDC_SCOPES",
  usernameClaim: "BEVILLING_OIDC_USERNAME_CLAIM",
  label: "BEVILLING_OIDC_LABEL",
  allowHttp: "BEVILLING_OIDC_ALLOW_HTTP",
} as const;

/**
 * Settings from the environment, or null when OIDC is not configured (no issuer). Throws an Error
 * with a Danish message when the configuration is incomplete or unsafe, so a half-configured server
 * refuses to start instead of offering a login button that cannot work.
 */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv): OidcSettings | null {
  // An empty variable counts as unset: container setups often define every variable, blank or not.
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const issuer = read(ENV.issuer);
  if (issuer === undefined) return null;

  const clientId = read(ENV.clientId);
  const clientSecret = read(ENV.clientSecret);
  const redirectUri = read(ENV.redirectUri);
  const missing = [
    clientId === undefined ? ENV.clientId : null,
    clientSecret === undefined ? ENV.clientSecret : null,
    redirectUri === undefined ? ENV.redirectUri : null,
  ].filter((name) => name !== null);
  if (clientId === undefined || clientSecret === undefined || redirectUri === undefined) {
    throw new Error(`${ENV.issuer} er sat, men OIDC-login mangler også: ${missing.join(", ")}`);
  }

  const allowHttp = parseFlag(read(ENV.allowHttp), ENV.allowHttp);
  const settings: OidcSettings = {
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    scopes: (read(ENV.scopes) ?? "openid profile email").split(/\s+/).join(" "),
    usernameClaim: read(ENV.usernameClaim) ?? "preferred_username",
    label: read(ENV.label) ?? "Log ind med kommunens login",
    allowHttp,
  };
  const problem = settingsProblem(settings);
  if (problem !== null) throw new Error(problem);
  return settings;
}

function parseFlag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  const normalised = value.toLowerCase();
  if (normalised === "1" || normalised === "true") return true;
  if (normalised === "0" || normalised === "false") return false;
  throw new Error(`${name} skal være 1/true eller 0/false, ikke "${value}"`);
}

/** Shared by the environment reader and `OidcClient.create`, which may get settings from elsewhere. */
function settingsProblem(settings: OidcSettings): string | null {
  const issuer = URL.parse(settings.issuer);
  if (issuer === null || (issuer.protocol !== "https:" && issuer.protocol !== "http:")) {
    return `${ENV.issuer} er ikke en gyldig https-adresse: "${settings.issuer}"`;
  }
  if (issuer.search !== "" || issuer.hash !== "") {
    return `${ENV.issuer} må ikke indeholde ? eller #: "${settings.issuer}"`;
  }
  // Without TLS anyone on the path can read the authorization code and forge discovery answers.
  if (issuer.protocol === "http:" && !settings.allowHttp) {
    return `${ENV.issuer} skal bruge https; http er kun tilladt til lokale tests med ${ENV.allowHttp}=1`;
  }
  const redirect = URL.parse(settings.redirectUri);
  if (redirect === null || (redirect.protocol !== "https:" && redirect.protocol !== "http:")) {
    return `${ENV.redirectUri} er ikke en gyldig adresse: "${settings.redirectUri}"`;
  }
  if (!settings.scopes.split(" ").includes("openid")) {
    return `${ENV.scopes} skal indeholde "openid", ellers udsteder udbyderen ikke et ID-token`;
  }
  if (settings.usernameClaim === "") return `${ENV.usernameClaim} må ikke være tom`;
  return null;
}

export class OidcClient {
  private constructor(
    private readonly settings: OidcSettings,
    private readonly config: Configuration,
  ) {}

  /** Where the provider sends the browser back (the callback route's public address). */
  get redirectUri(): string {
    return this.settings.redirectUri;
  }

  /** Fetches the provider's discovery document once; the returned client reuses it for every login. */
  static async create(settings: OidcSettings): Promise<OidcClient> {
    const problem = settingsProblem(settings);
    if (problem !== null) throw new OidcError(`OIDC er forkert konfigureret: ${problem}`, "configuration");
    const execute = settings.allowHttp ? [allowInsecureRequests] : [];
    let discovered: Configuration;
    try {
      discovered = await discovery(new URL(settings.issuer), settings.clientId, undefined, undefined, {
        execute,
        timeout: 15,
      });
    } catch (err) {
      throw new OidcError(
        `Kunne ikke hente oplysninger fra identitetsudbyderen ${settings.issuer}: ${discoveryReason(err)}`,
        "discovery_failed",
        describe(err, settings.clientSecret),
      );
    }
    const server = discovered.serverMetadata();
    const auth = clientAuthentication(server.token_endpoint_auth_methods_supported, settings.clientSecret);
    if (auth === null) {
      throw new OidcError(
        "Identitetsudbyderen understøtter hverken client_secret_basic eller client_secret_post",
        "configuration",
      );
    }
    const config = new Configuration(
      server,
      settings.clientId,
      { client_secret: settings.clientSecret },
      auth,
    );
    for (const extension of execute) extension(config);
    return new OidcClient(settings, config);
  }

  /** The text for the login button. */
  get label(): string {
    return this.settings.label;
  }

  async start(): Promise<{ url: string; pending: OidcPending }> {
    const codeVerifier = randomPKCECodeVerifier();
    const pending: OidcPending = { state: randomState(), nonce: randomNonce(), codeVerifier };
    const url = buildAuthorizationUrl(this.config, {
      redirect_uri: this.settings.redirectUri,
      response_type: "code",
      scope: this.settings.scopes,
      code_challenge: await calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /**
   * Verifies the callback against what `start` handed out and exchanges the code. `pending` must be
   * used once only: the caller deletes it from the session whether this succeeds or not.
   */
  async finish(callbackUrl: URL, pending: OidcPending): Promise<OidcIdentity> {
    if (!pending.state || !pending.nonce || !pending.codeVerifier) {
      throw failure("login-forsøget er ukendt eller udløbet; prøv at logge ind igen", "no_pending");
    }
    const params = callbackUrl.searchParams;
    // Checked here and not only by openid-client so the user gets a precise message; the library
    // repeats the check. A callback with a foreign state may be a forged (CSRF) login, so it is
    // refused before its error or code is even looked at.
    if (params.get("state") !== pending.state) {
      throw failure("svaret hører ikke til dette login-forsøg (state passer ikke)", "state_mismatch");
    }
    const error = params.get("error");
    if (error !== null) {
      const code = sanitiseCode(error);
      const reason =
        code === "access_denied"
          ? "adgang blev nægtet (access_denied)"
          : `udbyderen svarede med fejlen ${code}`;
      throw failure(reason, code);
    }
    if (!params.get("code")) throw failure("svaret mangler en autorisationskode", "missing_code");

    // The token request must name the registered redirect URI exactly; behind a reverse proxy the
    // URL the server sees can differ in scheme, host or port, so only the query is taken from it.
    const current = new URL(this.settings.redirectUri);
    current.search = callbackUrl.search;
    current.hash = "";

    let claims: IDToken;
    let accessToken: string;
    try {
      const tokens = await authorizationCodeGrant(this.config, current, {
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        pkceCodeVerifier: pending.codeVerifier,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (idToken === undefined) throw failure("udbyderen sendte intet ID-token", "invalid_id_token");
      claims = idToken;
      accessToken = tokens.access_token;
    } catch (err) {
      throw this.translate(err);
    }

    let profile: Record<string, unknown> = claims;
    const wanted = [this.settings.usernameClaim, "email", "name"];
    // Many providers put only sub in the ID token and the profile at the userinfo endpoint.
    if (wanted.some((claim) => !(claim in claims)) && this.config.serverMetadata().userinfo_endpoint) {
      try {
        const userinfo = await fetchUserInfo(this.config, accessToken, claims.sub);
        profile = { ...userinfo, ...claims };
      } catch (err) {
        const translated = this.translate(err);
        throw new OidcError(
          `${LOGIN_FAILED}: brugeroplysningerne kunne ikke hentes`,
          "userinfo_failed",
          translated.detail,
        );
      }
    }

    const email = stringClaim(profile, "email");
    return {
      issuer: claims.iss,
      subject: claims.sub,
      // An email address stands in for the username only when the provider has verified it: an
      // unverified one is whatever the person typed, and the username decides which user they become.
      username:
        stringClaim(profile, this.settings.usernameClaim) ?? (profile.email_verified === true ? email : null),
      email,
      name: stringClaim(profile, "name"),
    };
  }

  private translate(err: unknown): OidcError {
    if (err instanceof OidcError) return err;
    const detail = describe(err, this.settings.clientSecret);
    const oauthError = oauthErrorCode(err);
    if (oauthError === "invalid_grant") {
      return failure("autorisationskoden er ugyldig, udløbet eller allerede brugt", "invalid_grant", detail);
    }
    if (oauthError === "invalid_client" || oauthError === "unauthorized_client") {
      return failure(
        "udbyderen afviste Bevillings klient-id eller klienthemmelighed",
        "invalid_client",
        detail,
      );
    }
    if (oauthError !== null) {
      const code = sanitiseCode(oauthError);
      return failure(`udbyderen afviste anmodningen (${code})`, code, detail);
    }
    if (causeChain(err).some((e) => (e as { claim?: unknown }).claim === "nonce")) {
      return failure(
        "ID-tokenet hører ikke til dette login-forsøg (nonce passer ikke)",
        "nonce_mismatch",
        detail,
      );
    }
    if (err instanceof ClientError && err.code !== undefined && ID_TOKEN_FAILURES.has(err.code)) {
      return failure("ID-tokenet kunne ikke valideres", "invalid_id_token", detail);
    }
    if (isNetworkFailure(err)) return failure("udbyderen kunne ikke kontaktes", "unreachable", detail);
    return failure("udbyderens svar eller ID-token kunne ikke valideres", "invalid_response", detail);
  }
}

const ID_TOKEN_FAILURES = new Set([
  "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
  "OAUTH_JWT_TIMESTAMP_CHECK_FAILED",
  "OAUTH_KEY_SELECTION_FAILED",
]);

function failure(reason: string, code: string, detail?: string): OidcError {
  return new OidcError(`${LOGIN_FAILED}: ${reason}`, code, detail);
}

/** RFC 6749 says a client without a registered method uses HTTP Basic, which is what most providers expect. */
function clientAuthentication(supported: string[] | undefined, secret: string): ClientAuth | null {
  if (supported === undefined || supported.includes("client_secret_basic")) return ClientSecretBasic(secret);
  if (supported.includes("client_secret_post")) return ClientSecretPost(secret);
  return null;
}

function oauthErrorCode(err: unknown): string | null {
  if (err instanceof ResponseBodyError || err instanceof AuthorizationResponseError) return err.error;
  if (err instanceof WWWAuthenticateChallengeError) {
    const error = err.cause[0]?.parameters.error;
    return typeof error === "string" ? error : null;
  }
  return null;
}

/** Error codes from the callback are attacker-controlled text that ends up in a message and a log. */
function sanitiseCode(code: string): string {
  const clean = code.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 64);
  return clean === "" ? "ukendt_fejl" : clean;
}

function discoveryReason(err: unknown): string {
  if (isNetworkFailure(err)) return "udbyderen svarer ikke";
  if (err instanceof ClientError) {
    switch (err.code) {
      case "OAUTH_RESPONSE_IS_NOT_CONFORM":
        return "adressen har intet OpenID Connect-discovery-dokument";
      case "OAUTH_RESPONSE_IS_NOT_JSON":
      case "OAUTH_PARSE_ERROR":
        return "discovery-dokumentet kan ikke læses";
      case "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED":
        return "udbyderens issuer passer ikke med den konfigurerede adresse";
      case "OAUTH_HTTP_REQUEST_FORBIDDEN":
        return "forbindelsen skal bruge https";
    }
  }
  return "udbyderens svar kunne ikke forstås";
}

function isNetworkFailure(err: unknown): boolean {
  return causeChain(err).some(
    (e) =>
      (e instanceof TypeError && e.message === "fetch failed") ||
      (e instanceof DOMException && (e.name === "TimeoutError" || e.name === "AbortError")),
  );
}

function causeChain(err: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = err;
  while (typeof current === "object" && current !== null && chain.length < 5 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The library's messages are fixed English sentences; the secret is scrubbed anyway in case one echoes input. */
function describe(err: unknown, secret: string): string {
  const text = causeChain(err)
    .filter((e): e is Error => e instanceof Error)
    .map((e) => {
      const code = (e as { code?: unknown }).code;
      return typeof code === "string" ? `${e.name} ${code}: ${e.message}` : `${e.name}: ${e.message}`;
    })
    .join(" <- ");
  return secret === "" ? text : text.split(secret).join("***");
}

function stringClaim(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
