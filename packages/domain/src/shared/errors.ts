/**
 * The platform's error taxonomy. Services throw these to say what went wrong in the client's terms, without knowing
 * HTTP; apps/api maps each kind to a status once. Anything else is an internal error.
 */
export abstract class DomainError extends Error {
  abstract readonly kind:
    | 'not-found'
    | 'invalid-input'
    | 'conflict'
    | 'not-configured'
    | 'tool-missing'
    | 'unavailable'
    | 'upstream';

  constructor(
    message: string,
    /** Extra fields of the error answer, e.g. `{ duplicate: true }`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The thing the request names does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The request is malformed or asks for something impossible. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid-input';
}

/** The request collides with the current state (a concurrent change, an existing unique value). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** A feature needs settings that were never saved (e.g. EcoEye credentials). */
export class NotConfiguredError extends DomainError {
  readonly kind = 'not-configured';
}

/** An external program the feature needs (yt-dlp) is not installed. */
export class ToolMissingError extends DomainError {
  readonly kind = 'tool-missing';

  constructor(
    readonly tool: string,
    message = `${tool} is not installed on the server`,
  ) {
    super(message);
  }
}

/** A dependency is down for now (no worker consuming the queue, a relay not answering): try again later. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
}

/** An external service failed or answered something unreadable (the EcoEye relay): the reason is shown as is. */
export class UpstreamError extends DomainError {
  readonly kind = 'upstream';
}
