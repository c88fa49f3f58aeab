// Chaos: real runs on PostgreSQL and MariaDB hit at random moments — SIGHUP, SIGTERM or kill -9 mid-step,
// mid-item, while a finish line is written, during start-up and during the resume; a full disk under the
// transcript; its directory deleted — then resumed until they end. Every side effect (a line in a file, a row in
// a table) happens at most once, exactly once when the run ends resolved; only a step a kill -9 cut off may run
// again, and then only behind a gate that said it may have partly run. Every run ends honestly or is resumable,
// and nothing acted without its start on the record. Seeds are printed: CHAOS_SEED=<seed> CHAOS_TRIALS=1 repeats one.
// In the suite: a few trials per engine and fault; `npm run test:chaos` runs hundreds (CHAOS_TRIALS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { EFFECTS, FAULTS, prepareTable, runTrial, stepOf, tinyDisk, type Fault, type TrialResult } from './chaos/trial.js';

const TRIALS = Number(process.env.CHAOS_TRIALS ?? 2);          // per engine and fault
const FIRST_SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const PARALLEL = Number(process.env.CHAOS_PARALLEL ?? 2);     // per engine; both engines run at once

const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
before(async () => {
  const [pg, maria] = await Promise.all([startPostgres(), startMariadb()]);
  servers.postgres = pg;
  servers.mariadb = maria;
  await Promise.all([prepareTable(pg), prepareTable(maria)]);
});
after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

/** What must hold of every trial, as assertion messages (empty: it held). */
function problems(t: TrialResult): string[] {
  const out: string[] = [];
  for (const [what, n] of Object.entries(t.counts)) {
    if (n <= 1) continue;
    // A step in flight when the run stopped (kill -9; or a stop signal that ended its script after its last
    // command acted but before the script exited: a loaded machine widens that window) may have acted: it runs
    // again only behind a gate saying it may have partly run. A finished step is never re-gated, so one that ran
    // twice without that warning is still a failure; nothing happens a third time.
    if (!(n === 2 && t.warned.has(stepOf(what)))) out.push(`${what} happened ${n} times`);
  }
  if (t.resolved) for (const e of EFFECTS) if (!t.counts[e]) out.push(`resolved, but ${e} never happened`);
  const last = t.attempts[t.attempts.length - 1]!;
  if (!t.resolved && t.fault !== 'deleted-dir') out.push(`did not end resolved: last ${last.args} exited ${last.code ?? last.signal}`);
  if (t.fault === 'deleted-dir' && t.faultAt !== undefined && last.code === 0) {
    // Resolved although its transcript went away: only if the run had ended by then (nothing after the deletion).
    if (t.times.some((e) => e.at > t.faultAt! + 50)) out.push('the run went on acting without a transcript and ended resolved');
  }
  // Deleted while the run was making its transcript (before its first step): a refusal to start is honest,
  // as long as nothing acted.
  const refusedCleanly = last.refusedToStart === true && Object.keys(t.counts).length === 0;
  if (t.fault === 'deleted-dir' && !t.resolved && last.code !== 75 && !refusedCleanly) out.push(`the deleted transcript directory ended the run with ${last.code ?? last.signal}, not 75`);
  // A stop signal the launcher could not yet catch (Node still starting) killed a process that had opened nothing.
  for (const d of t.damaged) out.push(`damaged transcript ${d}`);
  if (t.diedWithTranscript) out.push(`died of ${t.diedWithTranscript} (not exit 75) with its transcript already written`);
  // The transcript's directory deleted: the run stops at its next record; only the act in flight then may end.
  if (t.fault === 'deleted-dir' && t.faultAt !== undefined) {
    const late = t.times.filter((e) => e.at > t.faultAt! + 50).map((e) => e.what);
    if (late.length > 1) out.push(`after the transcript's directory was deleted, ${late.length} effects still happened: ${late.join(', ')}`);
  }
  // No step acted without its record: each effect's step started (and was approved) on the record.
  if (t.fault !== 'deleted-dir') {
    for (const what of Object.keys(t.counts)) {
      const step = stepOf(what);
      if (!t.lines.some((l) => l.type === 'step-started' && l.stepId === step)) out.push(`${what} happened with no step-started for ${step}`);
      if (!t.lines.some((l) => l.type === 'confirmation-answered' && l.stepId === step && l.answer === 'yes')) out.push(`${what} happened with no approval of ${step} on the record`);
    }
  }
  // Every run's record ends honestly: resolved at the end, or interrupted where it stopped.
  const ends = t.lines.filter((l) => l.type === 'run-finished').map((l) => String(l.outcome));
  if (t.resolved && t.fault !== 'deleted-dir' && ends[ends.length - 1] !== 'resolved') out.push(`exit 0 but the record ends ${ends[ends.length - 1]}`);
  if (ends.some((o) => o !== 'resolved' && o !== 'interrupted')) out.push(`a run ended ${ends.join(', ')}`);
  return out;
}

async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < jobs.length) { const i = next++; out[i] = await jobs[i]!(); } }));
  return out;
}

describe('chaos: signals and faults at random moments, then resume', { concurrency: true }, () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine}: ${TRIALS} trial(s) per fault (${FAULTS.join(', ')}), seeds from ${FIRST_SEED}`, { timeout: 60 * 60_000 }, async () => {
      const server = servers[engine]!;
      const jobs: (() => Promise<TrialResult | undefined>)[] = [];
      FAULTS.forEach((fault: Fault, f) => {
        for (let i = 0; i < TRIALS; i++) {
          const seed = FIRST_SEED + f * 10_000 + i + (engine === 'mariadb' ? 500_000 : 0);
          jobs.push(async () => {
            const dir = mkdtempSync(join(tmpdir(), 'runbook-chaos-'));
            const disk = fault === 'full-disk' ? tinyDisk(dir, 256 * 1024) : undefined;
            if (fault === 'full-disk' && !disk) { rmSync(dir, { recursive: true, force: true }); return undefined; } // not root: no tmpfs
            try {
              return await runTrial(server, seed, fault, dir, disk?.path);
            } finally {
              disk?.release();
              rmSync(dir, { recursive: true, force: true });
            }
          });
        }
      });
      const all = await pool(jobs, PARALLEL);
      const results = all.filter((r): r is TrialResult => r !== undefined);
      if (results.length < all.length) console.log(`${engine}: ${all.length - results.length} full-disk trials not run: a tmpfs cannot be mounted here (needs root)`);
      const failures: string[] = [];
      const tally: Record<string, number> = {};
      for (const t of results) {
        const p = problems(t);
        const key = `${t.fault}:${t.resolved ? 'resolved' : 'stopped'}`;
        tally[key] = (tally[key] ?? 0) + 1;
        const line = `seed ${t.seed} ${t.fault}: ${t.log.join(' | ')}; effects ${JSON.stringify(t.counts)}${t.warned.size ? `; re-gated ${[...t.warned].join(',')}` : ''}${t.torn.length ? `; torn ${t.torn.length}` : ''}`;
        console.log(`${p.length ? 'FAIL' : 'ok  '} ${engine} ${line}`);
        if (p.length) failures.push(`${line}\n    ${p.join('\n    ')}`);
      }
      console.log(`${engine}: ${results.length} trials ${JSON.stringify(tally)}`);
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }
});
