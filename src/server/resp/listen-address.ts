/** Parses `--addr` values: `host:port`, `[ipv6]:port`, or a bare port (on 127.0.0.1). */
import { ErrorCodes, KvsError } from '../../engine/errors.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 6380;

export interface ListenAddress {
  host: string;
  port: number;
}

/** `text` as host and port; throws INVALID_ARGUMENT saying what a valid address looks like. */
export function parseListenAddress(text: string, flag = '--addr'): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*)):(\d{1,5})$|^(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3] ?? m?.[4]);
  if (m === null || !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new KvsError(
      ErrorCodes.INVALID_ARGUMENT,
      `${flag} ${JSON.stringify(text)} is not an address; use HOST:PORT with a port from 0 to 65535 (e.g. 127.0.0.1:${DEFAULT_PORT}; port 0 picks a free port)`,
    );
  }
  const host = m[1] ?? (m[2] === undefined || m[2] === '' ? DEFAULT_HOST : m[2]);
  return { host, port };
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
