// One chaos trial: a real run (the CLI) of a runbook whose destructive steps and for_each items leave counted
// side effects — a line in a file, a row in a table on a real server — hit by one fault at a random moment
// (seeded), then resumed (itself perhaps hit) until it ends. What it found is returned for the test to judge.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { LabServer } from '../../../src/lab/index.js';
import { adminQuery } from '../../db/helpers.js';
import { killedStepsGone } from '../../helpers/killed-run.js';
import { cli, type CliResult, type Line } from '../helpers.js';
import { rng } from '../../helpers/rng.js';

export type Fault = 'signal' | 'startup' | 'resume-signal' | 'full-disk' | 'deleted-dir';
export const FAULTS: readonly Fault[] = ['signal', 'startup', 'resume-signal', 'full-disk', 'deleted-dir'];
const SIGNALS = ['SIGHUP', 'SIGTERM', 'SIGKILL'] as const;

/** Every side effect a resolved run leaves, once each. */
export const EFFECTS = ['one', 'item-a', 'item-b', 'item-c', 'sql-one', 'sqlitem-1', 'sqlitem-2', 'sqlitem-3'];
/** Which step leaves each effect (a for_each item's is its step's). */
const STEP_OF: Record<string, string> = { one: 'one', 'sql-one': 'sql-one' };
export const stepOf = (effect: string): string => STEP_OF[effect] ?? (effect.startsWith('sqlitem') ? 'sql-each' : 'each');

export const RUNBOOK = `name: chaos
title: Side effects under chaos
inputs:
  dir: { required: true }
  url: { required: true, secret: true, type: url }
  trial: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: look
    destructive: false
    safe_because: prints numbers only
    shell: seq 1 300
  - id: one
    destructive: true
    shell: |
      trap '' TERM HUP INT
      seq 1 3000
      sleep 0.2
      echo "one $(date +%s%N)" >> \${{ inputs.dir }}/effects
  - id: sql-one
    destructive: true
    sql:
      query:
        postgres: INSERT INTO chaos_effects (trial, what) SELECT $1, 'sql-one' FROM pg_sleep(0.15)
        mysql: INSERT INTO chaos_effects (trial, what) SELECT ?, 'sql-one' FROM (SELECT SLEEP(0.15)) s
      params: ["\${{ inputs.trial }}"]
  - id: each
    destructive: true
    for_each: { in: "['a', 'b', 'c']", as: x }
    shell: |
      trap '' TERM HUP INT
      sleep 0.15
      echo "item-\${{ x }} $(date +%s%N)" >> \${{ inputs.dir }}/effects
  - id: sql-each
    destructive: true
    for_each: { in: "[1, 2, 3]", as: n }
    sql:
      query:
        postgres: INSERT INTO chaos_effects (trial, what) SELECT $1, 'sqlitem-' || $2 FROM pg_sleep(0.1)
        mysql: INSERT INTO chaos_effects (trial, what) SELECT ?, CONCAT('sqlitem-', ?) FROM (SELECT SLEEP(0.1)) s
      params: ["\${{ inputs.trial }}", "\${{ n }}"]
  - id: done
    end: resolved
    message: every effect made
`;

export async function prepareTable(s: LabServer): Promise<void> {
  await adminQuery(s, s.engine === 'postgres'
    ? `CREATE TABLE IF NOT EXISTS chaos_effects (trial text, what text, at timestamptz DEFAULT clock_timestamp()); GRANT ALL ON chaos_effects TO ${s.appUser}`
    : `CREATE TABLE IF NOT EXISTS ${s.database}.chaos_effects (trial varchar(64), what varchar(64), at datetime(6) DEFAULT NOW(6))`);
}

/** The same seed gives the same trial (mulberry32). */
export { rng };

export interface TrialResult {
  seed: number; fault: Fault; engine: string;
  /** refusedToStart: exit 2 before the run's first step, its transcript unwritable (its directory deleted while
   *  the run was making the file): nothing ran, and there is nothing to resume. */
  attempts: { args: string; code: number | null; signal: string | null; hit?: string; refusedToStart?: boolean }[];
  resolved: boolean;
  /** Side effects by name: how many times each happened (file and table together). */
  counts: Record<string, number>;
  /** Effects (their steps) a resume re-gated saying the step may have partly run (after a kill -9). */
  warned: Set<string>;
  lines: Line[];
  transcript: string;
  /** full-disk / deleted-dir: when the fault hit (epoch ms), and effects after it. */
  faultAt?: number; endedAt?: number; diedWithTranscript?: string;
  /** Lines the fault cut short (allowed: the last, or one a resume ended), and lines damaged elsewhere (never). */
  torn: string[]; damaged: string[];
  /** When each effect happened (epoch ms), to tell what acted after a fault. */
  times: { what: string; at: number }[];
  log: string[];
}

const MAX_ATTEMPTS = 8;

export async function runTrial(server: LabServer, seed: number, fault: Fault, dir: string, disk?: string): Promise<TrialResult> {
  const r = rng(seed);
  const trial = `t${seed}-${server.engine}`;
  const runbook = join(dir, 'chaos.yaml');
  writeFileSync(runbook, RUNBOOK);
  const tdir = disk ?? join(dir, 'transcripts');
  mkdirSync(tdir, { recursive: true });
  const transcript = join(tdir, 't.jsonl');
  const result: TrialResult = { seed, fault, engine: server.engine, attempts: [], resolved: false, counts: {}, warned: new Set(), lines: [], transcript, log: [], times: [], torn: [], damaged: [] };
  if (fault === 'full-disk') {
    // Free room somewhere inside the run's transcript (~25-40 KiB): it fills at a random line.
    const free = Math.floor(r() * 20) * 1024;
    writeFileSync(join(tdir, 'filler'), Buffer.alloc(Math.max(0, 256 * 1024 - free - 8192)));
    result.log.push(`free ~${free} bytes`);
  }
  let fresh = true;
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    const args = fresh
      ? ['run', runbook, '--plain', '--yes', '--transcript', transcript, '-i', `dir=${dir}`, '-i', `trial=${trial}`, '-i', `url=${server.url()}`]
      : ['resume', transcript, '--plain', '--yes', '--wait-for-orphans', '-i', `url=${server.url()}`];
    const child = cli(args, { timeoutMs: 120_000 });
    let hit: string | undefined;
    const signalNow = (n === 0 && (fault === 'signal' || fault === 'startup')) || (fault === 'resume-signal' && n <= 1);
    if (signalNow) {
      const sig = SIGNALS[Math.floor(r() * SIGNALS.length)]!;
      const delay = fault === 'startup' ? r() * 700 : 300 + r() * 2700;
      hit = `${sig}@${Math.round(delay)}ms`;
      setTimeout(() => child.child.kill(sig), delay);
    }
    if (n === 0 && fault === 'deleted-dir') {
      const delay = 400 + r() * 2500;
      hit = `rm -rf @${Math.round(delay)}ms`;
      setTimeout(() => {
        // Before the run made its transcript the deletion is no fault: the run makes the directory again.
        if (existsSync(transcript)) result.faultAt = Date.now();
        rmSync(tdir, { recursive: true, force: true });
      }, delay);
    }
    const end: CliResult = await child;
    result.endedAt = Date.now();
    // Only while Node itself starts (before the launcher's first line) may a stop signal kill the run outright.
    if ((end.signal === 'SIGTERM' || end.signal === 'SIGHUP') && fresh && existsSync(transcript)) result.diedWithTranscript = end.signal;
    const refusedToStart = end.code === 2 && /refusing to start: cannot write the transcript/.test(end.stderr);
    result.attempts.push({ args: args[0]!, code: end.code, signal: end.signal, ...(hit ? { hit } : {}), ...(refusedToStart ? { refusedToStart } : {}) });
    result.log.push(`${args[0]} ${hit ?? ''} → ${end.code ?? end.signal}: ${end.code === 2 ? end.stderr.trim().replace(/\s+/g, ' ') : lastLine(end)}`);
    if (end.code === 0) { result.resolved = true; break; }
    // Killed after its end was written (while it closed up): the record says resolved, and resume says so.
    if (end.code === 2 && /this run already finished \(resolved/.test(end.stderr)) { result.resolved = true; break; }
    if (fault === 'deleted-dir' && n === 0) break; // nothing left to resume from
    if (fault === 'full-disk' && n === 0) { rmSync(join(tdir, 'filler'), { force: true }); result.faultAt = Date.now(); }
    fresh = !existsSync(transcript);
    if (end.signal === 'SIGKILL' && !fresh) await killedStepsGone(transcript);
    // A refusal other than "still going" is final: the test reads why.
    if (end.code === 2 && !/still going|still running/.test(end.stderr)) break;
  }
  result.lines = readLines(transcript, result);
  result.times = await effectTimes(server, dir, trial);
  for (const { what } of result.times) result.counts[what] = (result.counts[what] ?? 0) + 1;
  for (const l of result.lines) if (l.type === 'confirmation-requested' && l.resumed === true && typeof l.stepId === 'string') result.warned.add(l.stepId);
  return result;
}

/** The transcript's lines; a torn one (cut by the fault) must be the last or be followed by a whole line. */
function readLines(file: string, result: TrialResult): Line[] {
  if (!existsSync(file)) return [];
  const raw = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const out: Line[] = [];
  raw.forEach((text, i) => {
    try { out.push(JSON.parse(text) as Line); } catch {
      let next: Line | undefined;
      try { next = raw[i + 1] === undefined ? undefined : JSON.parse(raw[i + 1]!) as Line; } catch { /* reported below */ }
      // …or one a failed write cut off, after which the run wrote on (the writer starts a fresh line).
      if (i === raw.length - 1 || next?.type === 'resumed' || (text.startsWith('{"type":"') && raw[i + 1]?.startsWith('{"type":"'))) result.torn.push(text.slice(0, 60));
      else result.damaged.push(`line ${i + 1}: ${text.slice(0, 80)}`);
    }
  });
  return out;
}

const lastLine = (r: CliResult): string => {
  const err = r.stderr.trim().split('\n').filter((l) => !/warning: /.test(l)).pop();
  return (err || r.stdout.trim().split('\n').pop() || '').slice(0, 160);
};

async function effectTimes(server: LabServer, dir: string, trial: string): Promise<{ what: string; at: number }[]> {
  const out: { what: string; at: number }[] = [];
  const file = join(dir, 'effects');
  for (const line of existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []) {
    const [what, ns] = line.split(' ');
    out.push({ what: what!, at: Number(BigInt(ns ?? '0') / 1_000_000n) });
  }
  const table = server.engine === 'postgres' ? 'chaos_effects' : `${server.database}.chaos_effects`;
  const epoch = server.engine === 'postgres' ? 'extract(epoch FROM at) * 1000' : 'UNIX_TIMESTAMP(at) * 1000';
  for (const row of await adminQuery(server, `SELECT what, ${epoch} AS at FROM ${table} WHERE trial = '${trial}'`)) {
    out.push({ what: String(row.what), at: Number(row.at) });
  }
  return out;
}

/** A small tmpfs (root only); undefined where it cannot be mounted. */
export function tinyDisk(dir: string, bytes: number): { path: string; release(): void } | undefined {
  const mnt = join(dir, 'disk');
  mkdirSync(mnt);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=700`, 'tmpfs', mnt]);
  if (r.status !== 0) return undefined;
  return { path: mnt, release: () => { spawnSync('umount', ['-l', mnt]); } };
}
