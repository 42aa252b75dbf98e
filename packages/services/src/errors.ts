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
