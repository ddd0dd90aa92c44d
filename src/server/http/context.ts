/** What a route handler receives: the request, its decoded query, the service, and the server's limits. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KvService } from '../service/kv-service.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request path, still percent-encoded (keys are decoded by the route, byte-exact). */
  path: string;
  /** Query parameters, percent-decoded to bytes. */
  query: Map<string, Buffer>;
  service: KvService;
  maxBodyBytes: number;
}

/** A route's work; it writes the response itself, or throws an HttpError / KvsError. */
export type Handler = (ctx: RequestContext) => Promise<void>;
