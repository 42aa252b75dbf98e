/** Errors the API turns into 4xx answers with a Danish message and no internals. */
export class NotFound extends Error {
  readonly status = 404;
}

export class BadRequest extends Error {
  readonly status = 400;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * The change was based on an old version (someone else changed the thing first), or the thing to
 * create exists already. `current` is the state now, so the client can reload or merge.
 */
export class Conflict extends Error {
  readonly status = 409;
  constructor(
    message: string,
    readonly current?: unknown,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "Conflict";
  }
}

/** Not signed in (or the session has expired): 401. */
export class Unauthenticated extends Error {
  readonly status = 401;
  constructor(message = "Du skal logge ind") {
    super(message);
    this.name = "Unauthenticated";
  }
}

export type ForbiddenCode = "forbidden" | "password_change_required" | "csrf";

/** Signed in, but not allowed: 403, with a code the web application acts on. */
export class Forbidden extends Error {
  readonly status = 403;
  constructor(
    message = "Du har ikke adgang til dette",
    readonly code: ForbiddenCode = "forbidden",
  ) {
    super(message);
    this.name = "Forbidden";
  }
}

/** Too many failed sign-ins: 429 with the seconds until the next attempt is considered. */
export class TooManyAttempts extends Error {
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(
      `For mange mislykkede forsøg på at logge ind. Prøv igen om ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minutter.`,
    );
    this.name = "TooManyAttempts";
  }
}
