// Where a probe points: a URL (host, port and TLS settings from it) or an explicit host/port.
import { parseUrl, socketPath, UrlError, type ConnectionInfo } from '../../db/url.js';
import { withEnvCredentials } from '../../db/url-env.js';
import type { ProbeAction } from '../types.js';

export interface ProbeTarget {
  host: string; port: number | undefined; info: ConnectionInfo | undefined;
  /** The Unix socket to connect to instead of host:port (a URL's socket host, or an explicit host that is a path). */
  socket?: string;
}

/** Explicit host/port win over the URL's. The URL is read as the application's client reads it with the run's
 *  environment `env` (PGHOST/PGPORT, TLS files: db/url-env.ts). Throws UrlError (safe to print). */
export function probeTarget(action: ProbeAction, env: Record<string, string | undefined> = process.env): ProbeTarget {
  const info = action.url ? withEnvCredentials(parseUrl(action.url), env) : undefined;
  const host = action.host ?? info?.host;
  if (!host) throw new UrlError(`the ${action.probe} probe needs a url or a host`);
  const port = action.port ?? info?.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new UrlError(`the port '${String(port).slice(0, 10)}' is not a number from 1 to 65535`);
  }
  const socket = action.host === undefined && action.port === undefined && info ? socketPath(info)
    : host.startsWith('/') ? host : undefined;
  return { host, port, info, ...(socket ? { socket } : {}) };
}

export function requirePort(target: ProbeTarget, probe: string): number {
  if (target.port === undefined) throw new UrlError(`the ${probe} probe needs a port (or a url)`);
  return target.port;
}
