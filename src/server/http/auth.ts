/**
 * Bearer-token authentication. With a token configured, every route but /healthz needs
 * `Authorization: Bearer <token>` or, where a header cannot be set (a browser opening the
 * dashboard or a WebSocket), the `access_token` query parameter (RFC 6750, section 2.3).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError, HttpErrorCodes } from './errors.js';

export type Authenticator = (headers: IncomingHttpHeaders, query: Map<string, Buffer>) => void;

function digest(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * A check that throws UNAUTHORIZED (401, with `WWW-Authenticate: Bearer`) unless the request
 * carries `token`; without a token every request passes. Digests are compared in constant time
 * so the comparison does not leak how much of a guess was right.
 */
export function authenticator(token: string | undefined): Authenticator {
  if (token === undefined || token === '') return () => {};
  const expected = digest(token);
  return (headers, query) => {
    const header = headers.authorization;
    let given: Buffer | undefined;
    if (header !== undefined) {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
      given = match === null ? undefined : Buffer.from(match[1]!, 'utf8');
    } else {
      given = query.get('access_token');
    }
    if (given === undefined) {
      throw new HttpError(401, HttpErrorCodes.UNAUTHORIZED, 'this server requires a token: send "Authorization: Bearer <token>" (or ?access_token=<token> from a browser)', {
        'WWW-Authenticate': 'Bearer realm="kvs"',
      });
    }
    if (!timingSafeEqual(digest(given), expected)) {
      throw new HttpError(401, HttpErrorCodes.UNAUTHORIZED, 'the token is wrong: use the one given to kvs server --http-token', {
        'WWW-Authenticate': 'Bearer realm="kvs", error="invalid_token"',
      });
    }
  };
}
