// The built-in probes, by name. None shells out (no nc, psql or dig needed on the host).
import { maskingAlso, urlSecrets } from '../masking.js';
import { failedResult } from '../outcome.js';
import { dbConnectProbe } from './db-connect.js';
import { dnsProbe } from './dns.js';
import { startupProbe } from './startup.js';
import { tcpProbe } from './tcp.js';
import { tlsProbe } from './tls.js';
import type { ProbeName } from '../../language/schema.js';
import type { ExecContext, Executor, ProbeAction, StepResult } from '../types.js';

type Env = Record<string, string | undefined>;
const PROBES: Record<ProbeName, (action: ProbeAction, ctx: ExecContext, env?: Env) => Promise<StepResult>> = {
  dns: dnsProbe,
  tcp: tcpProbe,
  tls: tlsProbe,
  'db-connect': dbConnectProbe,
  startup: startupProbe,
};

export function createProbeExecutor(env?: Env): Executor<ProbeAction> {
  return {
    async execute(action, ctx) {
      const probe = PROBES[action.probe] as (typeof PROBES)[ProbeName] | undefined;
      if (!probe) return failedResult(ctx, Date.now(), 'other', `unknown probe '${String(action.probe)}'`);
      return probe(action, maskingAlso(ctx, urlSecrets(action.url)), env);
    },
  };
}
