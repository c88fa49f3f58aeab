// Stopping a step signals its whole tree from /proc, in this process. zx's own kill ran `ps` and parsed its
// output in a child-process callback: on a loaded machine whose terminal had just gone, a parse failure there was
// an uncaught exception that killed the engine before it recorded the interruption (the transcript ended at
// step-process; 3 of 8 `tmux kill-server` runs beside 4 busy loops). Nothing on the kill path runs a program now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendantsOf, signalTree } from '../../src/executors/process-tree.js';
import { cli, finished, scratch, transcriptLines, until } from '../hardening/helpers.js';

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('signalTree reaches the group and a descendant that left it (setsid)', async (t) => {
  const dir = scratch(t);
  const pids = join(dir, 'pids');
  const leader = spawn('bash', ['-c', `setsid sleep 1000 & echo $! >> ${pids}; sleep 1000 & echo $! >> ${pids}; wait`], { detached: true, stdio: 'ignore' });
  t.after(() => { try { process.kill(-leader.pid!, 'SIGKILL'); } catch { /* gone */ } });
  await until(() => existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n').length === 2, 10_000, 'both sleeps');
  const sleeps = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
  assert.deepEqual(descendantsOf(leader.pid!).filter((p) => sleeps.includes(p)).sort(), [...sleeps].sort());
  signalTree(leader.pid!, 'SIGKILL');
  await until(() => !sleeps.some(alive), 10_000, 'every process of the tree to be gone');
  signalTree(leader.pid!, 'SIGKILL'); // again, all gone: never throws
});

test('a stop signal during a step is recorded even when `ps` on PATH prints nothing', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'ps'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const runbook = join(dir, 'slow.yaml');
  writeFileSync(runbook, 'name: slow\ntitle: Slow\nsteps:\n  - id: slow\n    shell: sleep 60\n  - id: done\n    end: resolved\n');
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', runbook, '--plain', '--transcript', transcript], { env: { PATH: `${dir}:${process.env.PATH}` } });
  await until(() => transcriptLines(transcript).some((l) => l.type === 'step-process'), 30_000, 'the step to start');
  run.child.kill('SIGTERM');
  const r = await run;
  assert.equal(r.code, 75, r.stdout + r.stderr);
  assert.equal(finished(transcriptLines(transcript))?.outcome, 'interrupted');
});
