// The built-in probes, by name: loaded by the probe executor (index.ts) at a run's first probe step, as they load
// node:dns and node:tls, which a run of shell steps never needs (~1 ms of a cold start, issue #32).
import { dbConnectProbe } from './db-connect.js';
import { dnsProbe } from './dns.js';
import { startupProbe } from './startup.js';
import { tcpProbe } from './tcp.js';
import { tlsProbe } from './tls.js';
import type { RefusedServers } from '../../db/refused-servers.js';
import type { ProbeName } from '../../language/schema.js';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

export type Env = Record<string, string | undefined>;
export const PROBES: Record<ProbeName, (action: ProbeAction, ctx: ExecContext, env?: Env, refused?: RefusedServers) => Promise<StepResult>> = {
  dns: dnsProbe,
  tcp: tcpProbe,
  tls: tlsProbe,
  'db-connect': dbConnectProbe,
  startup: startupProbe,
};
