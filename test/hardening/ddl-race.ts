// A read racing DDL: another session alternates two statements in a loop while the engine reads `reads` times.
// Shared by the PostgreSQL and MariaDB race tests, which differ in their clients and in what they count.
import { adminQuery } from '../db/helpers.js';
import { until } from '../helpers/poll.js';
import type { LabServer } from '../../src/lab/index.js';
import { runSteps } from './read-steps.js';

export interface RaceResult {
  /** Each read step's result, in order. */
  finished: { status: string; error?: string; rows?: Record<string, unknown>[] }[];
  /** How many times the loop changed the relation and back. */
  rounds: number;
}

/** `exec` runs one statement on the other session; `pauseMs` waits after each (reads then also land between). */
export async function raceReads(o: { exec(sql: string): Promise<unknown>; change: string; back: string; url: string; read: string; reads: number; dryRun: boolean; pauseMs?: number }): Promise<RaceResult> {
  let stop = false;
  let rounds = 0;
  const pause = () => (o.pauseMs ? new Promise((r) => setTimeout(r, o.pauseMs)) : Promise.resolve());
  const loop = (async () => { while (!stop) { await o.exec(o.change); await pause(); await o.exec(o.back); await pause(); rounds++; } })();
  try {
    const events = await runSteps(o.url, Array.from({ length: o.reads }, () => ({ query: o.read, params: [] })), o.dryRun);
    return { finished: events.flatMap((e) => (e.type === 'step-finished' ? [e.result] : [])), rounds };
  } finally {
    stop = true;
    await loop.catch(() => undefined);
  }
}

/**
 * How many times the functions `names` have run, counting every call of a session of `role` (the reads', the
 * racer's). A backend writes its function counts to the shared statistics as it exits, before it leaves
 * pg_stat_activity (before_shmem_exit, then on_shmem_exit): once no session of the role is left, each call is
 * counted. Waited for, not slept on (a fixed 1.2 s before each count cost 24 s a file).
 */
export async function callsOnceEnded(server: LabServer, role: string, names: string[]): Promise<number> {
  await until(async () => (await adminQuery(server, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [role]))[0]!.n === 0,
    30_000, `the sessions of ${role} to end`, 50);
  return Number((await adminQuery(server, 'SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_user_functions WHERE funcname = ANY ($1)', [names]))[0]!.n);
}
