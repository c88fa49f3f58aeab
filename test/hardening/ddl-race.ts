// A read racing DDL: another session alternates two statements in a loop while the engine reads `reads` times.
// Shared by the PostgreSQL and MariaDB race tests, which differ in their clients and in what they count.
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
