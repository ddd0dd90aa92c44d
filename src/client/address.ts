/**
 * The `--addr` syntax of client mode: `host:port`, with an IPv6 host in brackets
 * (`[::1]:6380`). The password is never part of the address (see `--password` / KVS_PASSWORD),
 * so an address can be logged and shown in prompts without leaking it.
 */
import { isIP } from 'node:net';
import { ErrorCodes, KvsError } from '../engine/errors.js';

export interface ServerAddress {
  host: string;
  port: number;
  /** The address as a person wrote it, for messages and prompts. */
  label: string;
}

/** Letters, digits, dots, hyphens and underscores: a DNS name or an IPv4 address. */
const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$/;

/** `text` parsed as host:port; throws INVALID_ARGUMENT with an example of the right form. */
export function parseAddress(text: string): ServerAddress {
  const invalid = (why: string): KvsError =>
    new KvsError(ErrorCodes.INVALID_ARGUMENT, `invalid --addr ${JSON.stringify(text)}: ${why}; expected host:port, e.g. 127.0.0.1:6380 or [::1]:6380`, {
      details: { addr: text },
    });
  const trimmed = text.trim();
  if (trimmed === '') throw invalid('it is empty');
  if (/^[a-z]+:\/\//i.test(trimmed)) throw invalid('give host:port without a scheme');
  let host: string;
  let portText: string;
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']');
    if (close < 0 || trimmed[close + 1] !== ':') throw invalid('an IPv6 host in brackets must be followed by :port');
    host = trimmed.slice(1, close);
    portText = trimmed.slice(close + 2);
    if (isIP(host) !== 6) throw invalid(`${JSON.stringify(host)} is not an IPv6 address`);
  } else {
    const colon = trimmed.lastIndexOf(':');
    if (colon < 0) throw invalid('the port is missing');
    host = trimmed.slice(0, colon);
    portText = trimmed.slice(colon + 1);
    if (host.includes(':')) throw invalid('write an IPv6 host in brackets');
    if (!HOSTNAME.test(host)) throw invalid(host === '' ? 'the host is missing' : `${JSON.stringify(host)} is not a host name or IP address`);
  }
  if (!/^\d{1,5}$/.test(portText)) throw invalid(portText === '' ? 'the port is missing' : `${JSON.stringify(portText)} is not a port number`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw invalid(`port ${port} is outside 1..65535`);
  return { host, port, label: trimmed };
}
