// A crash at every record boundary, group commit on (#51): the run is killed (SIGKILL, by itself, just before
// its Nth durable write: test/helpers/kill-before-write.cjs) for every N — before each line of its transcript and
// each update of its run-state file — and then resumed to its end. The reads' items share syncs, the destructive
// loop's items are synced one by one: wherever the kill lands, no act happens twice unless resume re-gated it as
// "may have partly run", no item is skipped, and the run ends resolved with a transcript every reader takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { killedStepsGone } from '../helpers/killed-run.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { tinyDisk } from '../hardening/chaos/trial.js';

const HOOK = join(import.meta.dirname, '..', 'helpers', 'kill-before-write.cjs');
const RUNBOOK = `name: boundaries
title: A crash at every record
inputs:
  dir: { required: true }
steps:
  - id: look
    for_each: { in: "['a', 'b']", as: x }
    shell: echo looked \${{ x }}
  - id: each
    destructive: true
    for_each: { in: "['a', 'b']", as: x }
    shell: echo "item-\${{ x }}" >> \${{ inputs.dir }}/effects
  - id: one
    destructive: true
    shell: echo one >> \${{ inputs.dir }}/effects
    on: { skipped: stop }
  - id: done
    end: resolved
    message: every effect made
  - id: stop
    end: escalate
    message: skipped
`;
const EFFECTS = ['item-a', 'item-b', 'one'];

type Fault = 'kill' | 'rm' | 'full';
const FAULT_ENV: Record<Fault, (dir: string) => NodeJS.ProcessEnv> = {
  kill: () => ({}),
  rm: (dir) => ({ RM_BEFORE_WRITE: records(dir) }), // and before the state's last updates, as the run closes up
  full: (dir) => ({ FILL_BEFORE_WRITE: join(records(dir), 'filler'), TRANSCRIPT_WRITES_ONLY: '1' }),
};
/** The run's environment; the resume's is the same (resume refuses another), the hook only preloaded in the run. */
const env = (dir: string, n: number, fault: Fault): NodeJS.ProcessEnv => ({
  ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state'), KILL_BEFORE_WRITE: String(n), ...FAULT_ENV[fault](dir),
});
/** The transcript has a directory of its own, which one fault deletes and another fills (its own tmpfs). */
const records = (dir: string) => join(dir, 'disk');
const transcriptOf = (dir: string) => join(records(dir), 't.jsonl');
const runArgs = (dir: string) => ['run', join(dir, 'boundaries.yaml'), '--plain', '--yes', '--transcript', transcriptOf(dir), '-i', `dir=${dir}`];

/** `runbook run` with the fault just before its nth durable write; false once n is past its last (no fault). */
function runFaultAt(dir: string, n: number, fault: Fault): Promise<boolean> {
  const child = spawn(process.execPath, ['--require', HOOK, BIN, ...runArgs(dir)], { env: env(dir, n, fault), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.on('close', (_code, signal) => resolve(fault === 'kill' ? signal === 'SIGKILL' : stderr.includes('kill-before-write:'))));
}

/** Resumes (or, with no transcript made, runs afresh) until the run ends; the last exit code and what it said. */
async function finish(dir: string, n: number, fault: Fault): Promise<{ code: number | null; said: string }> {
  const transcript = transcriptOf(dir);
  let code: number | null = null;
  let said = '';
  for (let attempt = 0; attempt < 4 && code !== 0; attempt++) {
    if (existsSync(transcript)) await killedStepsGone(transcript);
    const args = existsSync(transcript) ? ['resume', transcript, '--plain', '--yes', '--wait-for-orphans'] : runArgs(dir);
    const r = await cli(args, { env: env(dir, n, fault), timeoutMs: 120_000 });
    code = r.code;
    said = r.stderr.trim().split('\n').pop() ?? '';
    // Killed after its finish line (its state file was being updated): the record says how it ended.
    if (code === 2 && /this run already finished \(resolved/.test(r.stderr)) code = 0;
  }
  return { code, said };
}

/** What the crashed-and-resumed run did wrong; empty when nothing. */
function judge(dir: string): string[] {
  const out: string[] = [];
  const effects = existsSync(join(dir, 'effects')) ? readFileSync(join(dir, 'effects'), 'utf8').trim().split('\n') : [];
  const lines = transcriptLines(transcriptOf(dir));
  const regated = new Set(lines.filter((l) => l.type === 'confirmation-requested' && l.resumed === true).map((l) => l.stepId));
  for (const e of EFFECTS) {
    const n = effects.filter((x) => x === e).length;
    const step = e === 'one' ? 'one' : 'each';
    if (n === 0) out.push(`${e} never happened`);
    if (n > 1 && !(n === 2 && regated.has(step))) out.push(`${e} happened ${n} times${regated.has(step) ? '' : ' without a re-gate'}`);
  }
  const looked = lines.filter((l) => l.type === 'item-finished' && l.stepId === 'look' && (l.result as { status?: string })?.status === 'ok');
  for (const index of [0, 1]) if (!looked.some((l) => l.index === index)) out.push(`look's item ${index} never finished ok`);
  const last = lines.at(-1);
  if (last?.type !== 'run-finished' || last.outcome !== 'resolved') out.push(`the record ends ${last?.type} ${String(last?.outcome ?? '')}`);
  try { readTranscript(transcriptOf(dir)); } catch (e) { out.push(`the transcript does not read: ${(e as Error).message}`); }
  return out;
}

/** Where the kill landed, for a failure's message: after which line of the transcript. */
const landed = (dir: string): string => {
  const last = transcriptLines(transcriptOf(dir)).at(-1);
  return last ? `after ${last.type}${last.stepId ? ` ${last.stepId}` : ''}${typeof last.index === 'number' ? ` #${last.index}` : ''}` : 'before the transcript';
};

const isRoot = process.getuid?.() === 0;
const CASES: Record<Fault, string> = {
  kill: 'a kill -9 just before each line of the transcript and each update of the run-state file',
  rm: "the transcript's directory deleted (rm -rf) just before each of its lines and each update of the run-state file",
  full: "the transcript's disk filled just before each of its lines, then room freed",
};

/** One boundary: the run with the fault before its nth durable write, resumed to its end. What went wrong (empty
 *  when nothing), or undefined when n is past the run's last durable write (nothing was faulted). */
async function boundary(root: string, fault: Fault, n: number): Promise<string[] | undefined> {
  const dir = join(root, `${fault}-${n}`);
  mkdirSync(dir, { recursive: true });
  writeRunbook(dir, 'boundaries', RUNBOOK);
  const disk = fault === 'full' ? tinyDisk(dir, 1 << 20) : undefined;
  if (fault === 'full') assert.ok(disk, 'a tmpfs of its own for the transcript');
  try {
    if (!await runFaultAt(dir, n, fault)) return undefined;
    const where = landed(dir);
    rmSync(join(records(dir), 'filler'), { force: true }); // room again
    const end = await finish(dir, n, fault);
    const wrong = judge(dir);
    if (end.code !== 0) wrong.push(`ended ${end.code}: ${end.said}`);
    return wrong.length ? [`${fault} before write ${n} (${where}): ${wrong.join('; ')}`] : [];
  } finally { disk?.release(); }
}

/** Boundaries run this many at a time: each has a directory, state and transcript of its own, and most of a
 *  boundary's time is a process starting or waiting on a step, so two cores keep three busy. The batch that
 *  reaches past the last write runs a few whole runs more, whose results are not counted. */
const BESIDE = 3;

for (const [fault, what] of Object.entries(CASES) as [Fault, string][]) {
  test(`${what}: resumed, no act twice unless re-gated, no item skipped, resolved`, { timeout: 900_000, skip: fault === 'full' && !isRoot && 'mounting a tmpfs needs root' }, async (t) => {
    const root = scratch(t, 'runbook-crash-every-record-');
    const failures: string[] = [];
    let n = 1;
    for (let past = false; !past && n < 200;) {
      const batch = Array.from({ length: BESIDE }, (_, i) => n + i).filter((k) => k < 200);
      const results = await Promise.all(batch.map((k) => boundary(root, fault, k)));
      for (const result of results) {
        if (result === undefined) { past = true; break; } // past the run's last durable write
        failures.push(...result);
        n++;
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(n > (fault === 'full' ? 20 : 40), `${n - 1} boundaries: every line of the run${fault === 'full' ? '' : ' and its state updates'}`);
  });
}
