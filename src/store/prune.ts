// Retention (`runbook store prune`): whole runs that ended before a cut-off leave the store, in batches of one
// transaction each, through runbook.prune_runs (migration-v7.ts), which records each in runbook.pruned first.
// A dry run lists the same runs without touching them.
import { UserError } from '../common/errors.js';
import type { StoreClient } from './client.js';

/** Runs per transaction: a long prune holds no lock on the store for long, and stops cleanly between batches. */
export const PRUNE_BATCH = 500;

const UNITS: Record<string, string> = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks' };

/** `90d`, `12h`, `2w`, `30m` → a PostgreSQL interval; a one-line error for anything else. */
export function pruneAge(text: string): string {
  const m = /^([0-9]{1,6})(m|h|d|w)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new UserError(`--older-than ${text}: give an age such as 90d, 12h, 2w or 30m (minutes)`);
  return `${m[1]} ${UNITS[m[2]!]}`;
}

export interface PruneSummary { runs: number; events: number; cutoff: Date; kept: number; first?: Date; last?: Date }

const ENDED = `state IN ('resolved', 'escalate', 'failed', 'aborted')`;

/** Prunes (or with `dry`, counts) the runs that ended before now() - `age`. */
export async function pruneRuns(client: StoreClient, age: string, dry: boolean): Promise<PruneSummary> {
  const [{ cutoff }] = await client.query<{ cutoff: Date }>('SELECT now() - $1::interval AS cutoff', [age]) as [{ cutoff: Date }];
  const kept = await keptUnfinished(client, age);
  if (dry) {
    const [r] = await client.query<{ runs: number; events: number; first: Date | null; last: Date | null }>(
      `SELECT count(*)::int AS runs, coalesce(sum((SELECT count(*) FROM runbook.events e WHERE e.run_id = r.run_id)), 0)::int AS events,
         min(heard_at) AS first, max(heard_at) AS last
       FROM runbook.runs r WHERE ${ENDED} AND heard_at < now() - $1::interval`, [age]);
    return { runs: r!.runs, events: r!.events, cutoff, kept, ...dates(r!.first, r!.last) };
  }
  const total: PruneSummary = { runs: 0, events: 0, cutoff, kept };
  for (;;) {
    const rows = await batch(client, age);
    total.runs += rows.length;
    for (const r of rows) {
      total.events += r.events;
      total.first ??= r.heard_at;
      total.last = r.heard_at;
    }
    if (rows.length < PRUNE_BATCH) return total;
  }
}

async function batch(client: StoreClient, age: string): Promise<{ events: number; heard_at: Date }[]> {
  try {
    return await client.query<{ events: number; heard_at: Date }>('SELECT events, heard_at FROM runbook.prune_runs($1::interval, $2)', [age, PRUNE_BATCH]);
  } catch (e) {
    if ((e as { code?: string }).code === '42501') {
      throw new UserError(`${client.role} may not prune the store: runbook.prune_runs is its owner's; the owner may `
        + `GRANT EXECUTE ON FUNCTION runbook.prune_runs(interval, int) TO ${client.role}`);
    }
    throw e;
  }
}

/** Runs as old that did not end (running, or interrupted: a resume may continue them): never pruned. */
async function keptUnfinished(client: StoreClient, age: string): Promise<number> {
  const [r] = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM runbook.runs WHERE NOT ${ENDED} AND heard_at < now() - $1::interval`, [age]);
  return r!.n;
}

const dates = (first: Date | null, last: Date | null) => ({ ...(first ? { first } : {}), ...(last ? { last } : {}) });

export interface PrunedRun { run_id: string; runbook: string; events: number; pruned_by: string; pruned_at: Date }

/** The pruned runs an id (or a prefix of one) names: the store no longer has them, but says when they left. */
export async function prunedMatching(client: StoreClient, id: string, minPrefix: number): Promise<PrunedRun[]> {
  return client.query<PrunedRun>(
    `SELECT run_id, runbook, events, pruned_by, pruned_at FROM runbook.pruned
     WHERE run_id = $1 OR (length($1) >= $2 AND left(run_id, length($1)) = $1) ORDER BY run_id = $1 DESC, run_id LIMIT 2`, [id, minPrefix]);
}
