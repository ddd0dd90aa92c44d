/**
 * HTTP errors: every failure the HTTP interface reports is a JSON body
 * `{"error":{"code","message"}}` with a stable code, and the status a client can branch on.
 * Engine failures (KvsError) keep their engine code; HTTP-only failures have codes of their own.
 */
import type { ServerResponse } from 'node:http';
import { ErrorCodes, isKvsError, type ErrorCode } from '../../engine/errors.js';

/** Codes only the HTTP interface produces. Never renamed once published. */
export const HttpErrorCodes = {
  /** A key or query parameter has a malformed percent-escape (`%` not followed by two hex digits). */
  BAD_ENCODING: 'BAD_ENCODING',
  /** A request body is not the JSON document the route expects. */
  BAD_JSON: 'BAD_JSON',
  /** A query parameter has an invalid value (limit out of range, bad cursor, ...). */
  BAD_QUERY: 'BAD_QUERY',
  /** The request body is longer than the server's configured limit. */
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** No bearer token, or the wrong one, on a server configured with a token. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** GET or DELETE of a key that is absent. */
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  /** No route has that path. */
  NOT_FOUND: 'NOT_FOUND',
  /** The path exists but not with that method. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** GET /v1/watch without a WebSocket upgrade. */
  UPGRADE_REQUIRED: 'UPGRADE_REQUIRED',
  /** A failure the server did not anticipate; the server log says more. */
  INTERNAL: 'INTERNAL',
} as const;

export type HttpErrorCode = (typeof HttpErrorCodes)[keyof typeof HttpErrorCodes];

/** A failure to report to the client as `status` with a JSON error body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly code: HttpErrorCode | ErrorCode;
  readonly headers: Record<string, string>;

  constructor(status: number, code: HttpErrorCode | ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** HTTP status of each engine error code; codes not listed are 500. Documented in docs/http.md. */
const ENGINE_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.INVALID_ARGUMENT]: 400,
  [ErrorCodes.KEY_TOO_LARGE]: 413,
  [ErrorCodes.VALUE_TOO_LARGE]: 413,
  [ErrorCodes.READ_ONLY]: 403,
  [ErrorCodes.NOT_OPEN]: 503,
  [ErrorCodes.UNSUPPORTED]: 501,
};

/** `err` as an HttpError: engine errors map to their status, anything unknown to 500 INTERNAL. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isKvsError(err)) return new HttpError(ENGINE_STATUS[err.code] ?? 500, err.code, err.message);
  return new HttpError(500, HttpErrorCodes.INTERNAL, 'internal error; see the server log');
}

/** Writes `err` as a JSON error response (unless headers were already sent, then ends the response). */
export function sendError(res: ServerResponse, err: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  res.writeHead(err.status, {
    ...err.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Writes `value` as a 200 (or `status`) JSON response. */
export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
