// Crash and resume, the way incidents really fail: `kill -9` of the runbook process in the middle of a
// destructive step, at the top level and inside called runbooks, then `runbook resume`. Never twice: the
// killed step's process tree dies with the engine (and resume refuses while any of it lives); what finished is
// replayed, not rerun, at every depth. Real CLI (the bundle), real bash, /proc for the process groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procStat } from '../../src/executors/supervise.js';
import { cli, scratch, transcriptLines, until, writeRunbook, type Line } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

/** Live (not zombie) processes of a process group. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => procStat(p))
    .filter((st) => st !== undefined && st.pgid === pgid && st.state !== 'Z').map((st) => st!.pid);
}

const lines = (file: string): string[] => { try { return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean); } catch { return []; } };

/** How many lines a writer appends: 15, or the number a test writes to <out>.reps before resuming (a file, not an
 *  environment variable: a resume in another environment is refused). */
const REPS = '$(cat ${{ inputs.out }}.reps 2>/dev/null || echo 15)';

/** Each writer appends "<its pid> <i>" with a child `sleep` between lines. */
const WRITER = (reps: string) => `
      for i in $(seq 1 ${reps}); do echo "$$ $i" >> \${{ inputs.out }}; sleep 0.2; done`;

const SLOW = `name: slow-write
title: A slow destructive writer
inputs:
  out: { required: true }
steps:
  - id: first
    destructive: false
    safe_because: writes only the test's own marker file
    shell: echo first >> \${{ inputs.out }}
  - id: write
    destructive: true
    shell: |${WRITER(REPS)}
  - id: done
    end: resolved
    message: written
`;

/** The writers of `out` in order of appearance, and whether any two overlapped (interleaved lines). */
function writers(out: string): { pids: string[]; overlapped: boolean; counts: Record<string, number> } {
  const seq = lines(out).filter((l) => /^\d+ \d+$/.test(l)).map((l) => l.split(' ')[0]!);
  const pids: string[] = [];
  const counts: Record<string, number> = {};
  let overlapped = false;
  for (const p of seq) {
    counts[p] = (counts[p] ?? 0) + 1;
    if (pids[pids.length - 1] === p) continue;
    if (pids.includes(p)) overlapped = true; // an earlier writer wrote again after a later one had started
    pids.push(p);
  }
  return { pids, overlapped, counts };
}

const processLine = (file: string, stepId: string): Line & { pgid: number } =>
  transcriptLines(file).filter((l) => l.type === 'step-process' && l.stepId === stepId).pop() as Line & { pgid: number };

function assertSeqs(file: string): void {
  const seqs = transcriptLines(file).map((l) => l.seq);
  seqs.forEach((s, i) => assert.equal(s, i, `seq ${String(s)} at line ${i + 1} of ${file}: unique and increasing`));
}

/** Starts a run, waits for the destructive step to write `atLeast` lines, kills the runbook process with
 *  SIGKILL. Returns the transcript and the step's recorded process group. */
async function killMidStep(dir: string, runbook: string, stepId: string, out: string, atLeast: number, env: NodeJS.ProcessEnv = {}) {
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '--input', `out=${out}`], { env });
  await until(() => writers(out).pids.length === 1 && Object.values(writers(out).counts)[0]! >= atLeast, 60_000, 'the step to be writing');
  // The step's group is recorded right after its spawn, but on a loaded machine the script may write first:
  // the kill is meant for a step whose group is on record, so wait for that too (a hang guard).
  const group = await until(() => processLine(transcript, stepId), 30_000, 'the step\'s process group in the transcript');
  assert.ok(group.pgid > 0, 'the step\'s process group is recorded');
  assert.ok(groupMembers(group.pgid).length >= 2, 'the step runs as a group (supervisor, script, its sleep)');
  run.child.kill('SIGKILL');
  assert.equal((await run).signal, 'SIGKILL');
  return { transcript, pgid: group.pgid };
}

test('kill -9 during a slow destructive step: its process group dies with the engine; resume runs it after, never beside it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const out = join(dir, 'out');
  const runbook = writeRunbook(dir, 'slow', SLOW);
  const { transcript, pgid } = await killMidStep(dir, runbook, 'write', out, 2);
  // Generous guard (the watcher kills the group at once; ≥10× an idle machine's time).
  await until(() => groupMembers(pgid).length === 0, 30_000, `process group ${pgid} to die with the engine`);
  const killedAt = writers(out).counts;

  writeFileSync(`${out}.reps`, '5');
  const resumed = await cli(['resume', transcript, '--plain', '--yes']);
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  assert.match(resumed.stdout, /first: already ran \(ok\), not run again/);
  const w = writers(out);
  assert.equal(w.pids.length, 2, `two writers, one after the other: ${JSON.stringify(w)}`);
  assert.equal(w.overlapped, false, 'no overlapping writers');
  assert.deepEqual(w.counts[w.pids[0]!], killedAt[w.pids[0]!], 'the killed writer wrote nothing after the kill');
  assert.equal(w.counts[w.pids[1]!], 5, 'the resumed step ran once, to the end');
  assert.equal(lines(out).filter((l) => l === 'first').length, 1, 'the finished step did not run again');
  assertSeqs(transcript);
});

test('resume refuses while a process of the interrupted step\'s group lives, naming it; --wait-for-orphans waits for it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const out = join(dir, 'out');
  const runbook = writeRunbook(dir, 'slow', SLOW);
  const { transcript, pgid } = await killMidStep(dir, runbook, 'write', out, 1);
  await until(() => groupMembers(pgid).length === 0, 30_000, `process group ${pgid} to die`);
  // The supervisor did its job; stand in for a group that survived anyway (e.g. the supervisor was stopped):
  // a live detached process group, recorded as the step's.
  const survivor = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  t.after(() => { try { process.kill(-survivor.pid!, 'SIGKILL'); } catch { /* gone */ } });
  const st = await until(() => procStat(survivor.pid!), 10_000, 'the survivor to start');
  const text = readFileSync(transcript, 'utf8').split('\n').map((l) => {
    if (!l.includes('"step-process"') || !l.includes('"write"')) return l;
    const line = JSON.parse(l) as Record<string, unknown>;
    return JSON.stringify({ ...line, pid: survivor.pid, pgid: survivor.pid, startTicks: st.startTicks });
  }).join('\n');
  writeFileSync(transcript, text);
  const size = text.length;

  writeFileSync(`${out}.reps`, '1');
  const refused = await cli(['resume', transcript, '--plain', '--yes']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, new RegExp(`step 'write': process group ${survivor.pid} \\(${survivor.pid} sleep\\)`));
  assert.match(refused.stderr, /--wait-for-orphans/);
  assert.equal(refused.stderr.trim().split('\n').length, 1, 'one line');
  assert.equal(readFileSync(transcript, 'utf8').length, size, 'the transcript is untouched');

  writeFileSync(`${out}.reps`, '1');
  const waiting = cli(['resume', transcript, '--plain', '--yes', '--wait-for-orphans']);
  let said = '';
  waiting.child.stderr.on('data', (d: Buffer) => { said += d.toString(); });
  await until(() => said.includes("waiting for the interrupted run's step to end"), 60_000, 'resume to say it waits');
  assert.equal(writers(out).pids.length, 1, 'nothing ran while it waited');
  process.kill(-survivor.pid!, 'SIGKILL');
  const done = await waiting;
  assert.equal(done.code, 0, done.stderr);
  assert.equal(writers(out).pids.length, 2);
  assertSeqs(transcript);
});

/** A runbook calling another `depth` levels down; the innermost one has a destructive `mark` step, then a slow
 *  destructive writer. */
function nestedRunbooks(dir: string, depth: number): string {
  writeRunbook(dir, 'level0', `name: level0
title: Innermost
inputs:
  out: { required: true }
steps:
  - id: mark
    destructive: true
    shell: echo "mark $$" >> \${{ inputs.out }}.marks
  - id: write
    destructive: true
    shell: |${WRITER(REPS)}
  - id: done
    end: resolved
    message: inner done
`);
  for (let level = 1; level <= depth; level++) {
    writeRunbook(dir, `level${level}`, `name: level${level}
title: Calls level ${level - 1}
inputs:
  out: { required: true }
steps:
  - id: before${level}
    destructive: false
    safe_because: writes only the test's own marker file
    shell: echo before${level} >> \${{ inputs.out }}.marks
  - id: call${level}
    runbook: { name: ./level${level - 1}.yaml, inputs: { out: "\${{ inputs.out }}" } }
  - id: done
    end: resolved
    message: level ${level} done
`);
  }
  return join(dir, `level${depth}.yaml`);
}

for (const depth of [1, 2]) {
  test(`kill -9 inside a called runbook (depth ${depth}) after its destructive step finished: resume does not run it again and says it already ran`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const out = join(dir, 'out');
    const top = nestedRunbooks(dir, depth);
    const inner = Array.from({ length: depth }, (_, i) => `call${depth - i}`).join('/');
    const { transcript, pgid } = await killMidStep(dir, top, `${inner}/write`, out, 2);
    await until(() => groupMembers(pgid).length === 0, 30_000, `process group ${pgid} to die`);
    assert.equal(lines(`${out}.marks`).filter((l) => l.startsWith('mark ')).length, 1);

    writeFileSync(`${out}.reps`, '3');
    const resumed = await cli(['resume', transcript, '--plain', '--yes']);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.equal(lines(`${out}.marks`).filter((l) => l.startsWith('mark ')).length, 1, 'the finished destructive step inside the called runbook did not run again');
    assert.equal(lines(`${out}.marks`).filter((l) => l.startsWith('before')).length, depth, 'nor did the steps before the calls');
    assert.match(resumed.stdout, new RegExp(`${inner}/mark: already ran \\(ok\\), not run again`));
    const w = writers(out);
    assert.deepEqual([w.pids.length, w.overlapped, w.counts[w.pids[1]!]], [2, false, 3], 'the step in flight ran again, once, after the killed one');
    const after = transcriptLines(transcript);
    assert.ok(after.some((l) => l.type === 'already-ran' && l.stepId === `${inner}/mark`), 'the transcript says it already ran');
    assert.equal(after.filter((l) => l.type === 'step-started' && l.stepId === `${inner}/mark`).length, 1);
    assert.equal((after[after.length - 1] as Line & { outcome?: string }).outcome, 'resolved');
    assertSeqs(transcript);
  });
}
