// Small named HTTP errors: 4xx carry their message to the client; 5xx are logged and masked.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message = 'not found') => new HttpError(404, message);
export const methodNotAllowed = (allow: string) => new HttpError(405, `method not allowed; use ${allow}`, { allow });
/** Chosen by the request's Accept header, so it says so (Vary), like the representations it stands in for. */
export const notAcceptable = (offered: readonly string[]) =>
  new HttpError(406, `none of the formats you accept is available; offered: ${offered.join(', ')}`, {
    vary: 'Accept',
  });
export const payloadTooLarge = (limit: number) => new HttpError(413, `request body larger than ${limit} bytes`);
export const unsupportedMediaType = (type: string, allowed: readonly string[]) =>
  new HttpError(415, `unsupported content type ${type || '(none)'}; use ${allowed.join(' or ')}`);
export const serviceUnavailable = (message: string, retryAfterSeconds = 1) =>
  new HttpError(503, message, { 'retry-after': String(retryAfterSeconds) });
