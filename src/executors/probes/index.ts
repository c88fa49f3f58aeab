// The probe executor. None of the probes shells out (no nc, psql or dig needed on the host); they are loaded at the
// first probe step (table.ts).
import type { RefusedServers } from '../../db/refused-servers.js';
import { maskingAlso, urlSecrets } from '../masking.js';
import { failedResult } from '../outcome.js';
import type { ProbeName } from '../../language/schema.js';
import type { Executor, ProbeAction } from '../types.js';
import type { Env } from './table.js';

export function createProbeExecutor(env?: Env, refused?: RefusedServers): Executor<ProbeAction> {
  return {
    async execute(action, ctx) {
      const { PROBES } = await import('./table.js');
      const probe = PROBES[action.probe] as (typeof PROBES)[ProbeName] | undefined;
      if (!probe) return failedResult(ctx, Date.now(), 'other', `unknown probe '${String(action.probe)}'`);
      return probe(action, maskingAlso(ctx, urlSecrets(action.url)), env, refused);
    },
  };
}
