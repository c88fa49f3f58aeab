// Builds the LabServer object shared by both engines and remembers how each was configured.
import { labCredentials } from './credentials.js';
import { removeDir } from './lab-root.js';
import { LOOPBACK } from './ports.js';
import type { ServerProcess } from './server-process.js';
import type { LabEngine, LabServer, LabServerOptions, UrlOptions } from './types.js';
import { buildUrl } from './urls.js';

interface Internals {
  config: Required<LabServerOptions>;
  pid: number;
  dir: string;
  logTail: (lines?: number) => string;
}

const internals = new WeakMap<LabServer, Internals>();

/** How a lab server was started (used to check it suits a fault). */
export function serverConfig(server: LabServer): Required<LabServerOptions> | undefined {
  return internals.get(server)?.config;
}

/** Debug view of a lab server: its pid, temp dir and the last lines it logged (up to 5,000). */
export function labServerInfo(server: LabServer): { pid: number; dir: string; log: string } | undefined {
  const i = internals.get(server);
  return i && { pid: i.pid, dir: i.dir, log: i.logTail(Number.POSITIVE_INFINITY) };
}

export interface LabServerParts {
  engine: LabEngine;
  port: number;
  dir: string;
  process: ServerProcess;
  config: Required<LabServerOptions>;
  caFile?: string;
}

export function makeLabServer(parts: LabServerParts): LabServer {
  const creds = labCredentials();
  let stopping: Promise<void> | undefined;
  const server: LabServer = {
    engine: parts.engine,
    host: LOOPBACK,
    port: parts.port,
    ...creds,
    url: (o: UrlOptions = {}) =>
      buildUrl({
        engine: parts.engine,
        host: LOOPBACK,
        port: o.port ?? parts.port,
        user: o.user ?? creds.appUser,
        password: o.password ?? (o.user === creds.superuser ? creds.superPassword : creds.appPassword),
        database: o.database ?? creds.database,
        ...(o.params ? { params: o.params } : {}),
      }),
    adminUrl: () => server.url({ user: creds.superuser, password: creds.superPassword }),
    ...(parts.caFile ? { caFile: parts.caFile } : {}),
    stop: () => {
      stopping ??= parts.process.stop().then(() => removeDir(parts.dir));
      return stopping;
    },
  };
  internals.set(server, { config: parts.config, pid: parts.process.pid, dir: parts.dir, logTail: parts.process.logTail });
  return server;
}
