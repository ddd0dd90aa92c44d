/**
 * Request bodies, read into memory only up to the server's limit. A body declared (Content-Length)
 * or found (chunked) to be longer is refused with 413 as soon as that is known: nothing past the
 * limit is kept. The 413 carries `Connection: close`, on which Node ends and drops the connection
 * once the response is written, so the rest of the body is never read.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, HttpErrorCodes } from './errors.js';

function tooLarge(limit: number, size: string): HttpError {
  return new HttpError(
    413,
    HttpErrorCodes.BODY_TOO_LARGE,
    `request body is ${size}; this server accepts at most ${limit} bytes (kvs server --http-max-body)`,
    { Connection: 'close' },
  );
}

/** The whole body of `req`; rejects with BODY_TOO_LARGE (413) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit, `${declared} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge(limit, `more than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
