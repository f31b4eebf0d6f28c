/**
 * Errors a handler throws to answer a client: the central error handler turns them into
 * `{error, message, details?}` with their status (DESIGN.md 3.6). Anything else is a 5xx whose details
 * stay in the log.
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (message: string, field?: string) =>
  new HttpError(400, 'bad_request', message, field ? { details: { field } } : {});
export const unauthorized = (message = 'a valid access token is required') =>
  new HttpError(401, 'unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } });
export const forbidden = (message = 'your roles do not allow this') =>
  new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string, field?: string) =>
  new HttpError(409, 'conflict', message, field ? { details: { field } } : {});
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, 'too_many_requests', message, { headers: { 'retry-after': String(retryAfterSeconds) } });
export const serviceUnavailable = (code: string, message: string, retryAfterSeconds: number) =>
  new HttpError(503, code, message, { headers: { 'retry-after': String(retryAfterSeconds) } });
