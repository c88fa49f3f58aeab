// The host of shell steps, after a reboot, is the same machine (machine-id) but another run of it: the pids a
// step listed name other processes, as a restarted MariaDB's connection ids name other sessions
// (resume-restarted-server.test.ts). A run lists a process and is cut anywhere up to its destructive for_each
// of `kill` over the listed pids; the transcript says the host's kernel booted as another boot than now (the only
// trace a reboot leaves in it). The resume is refused before anything runs, and the process lives; the same cut
// with this boot resumes and kills it (the control: the check refuses only a reboot).
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, cli, scratch, until, writeRunbook } from './helpers.js';
import { reprinted } from '../helpers/own-crash.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const RUNBOOK = `name: rebooted
title: Processes listed, then killed
inputs:
  victim: { required: true }
steps:
  - id: list
    destructive: false
    safe_because: lists one process
    shell: ps -o pid= -p \${{ inputs.victim }}
    capture: procs
  - id: end
    destructive: true
    for_each: { in: "lines(procs.output)", as: p, label: "pid \${{ p }}" }
    shell: kill \${{ trim(p) }}
    on: { skipped: kept, error: kept }
  - id: done
    end: resolved
    message: ended
  - id: kept
    end: escalate
    message: not ended
`;

const boot = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

test('the host rebooted between the cut and the resume: the listed pids are not killed; the same boot resumes', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
  const dir = scratch(t);
  const runbook = writeRunbook(dir, 'rebooted', RUNBOOK);
  const start = () => { const c = spawn('sleep', ['600'], { stdio: 'ignore' }); t.after(() => { c.kill('SIGKILL'); }); return c.pid!; };
  const first = start();
  const full = join(dir, 'full.jsonl');
  const r = await cli(['run', runbook, '--plain', '--yes', '--transcript', full, '--input', `victim=${first}`]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  await until(() => !alive(first), 10_000, 'the run to end the first victim');
  const text = readFileSync(full, 'utf8').trimEnd().split('\n');
  const lines = text.map((l) => JSON.parse(l) as { type: string; stepId?: string; connection?: string });
  const from = lines.findIndex((l) => l.type === 'target-identified' && l.connection === '$host') + 1;
  const gate = lines.findIndex((l) => l.type === 'confirmation-requested' && l.stepId === 'end') + 1;
  assert.ok(from > 0 && gate > from);
  for (let k = from; k <= gate; k++) {
    for (const rebooted of [true, false]) {
      const victim = start();
      const cut = join(dir, `cut-${k}-${rebooted}.jsonl`);
      // The victim's pid is an input: the header's prints of the first one go (a resume refuses another value).
      let body = reprinted(text.slice(0, k).join('\n').split(`"${first}"`).join(`"${victim}"`).split(`${first}\\n`).join(`${victim}\\n`)
        .replace(/"runId":"[^"]+"/, `"runId":"${randomUUID()}"`));
      if (rebooted) body = body.split(`boot ${boot()}`).join(`boot ${randomUUID()}`);
      writeFileSync(cut, `${body}\n`);
      const res = await cli(['resume', cut, '--plain', '--yes']);
      const where = `cut after line ${k} (${lines[k - 1]!.type} ${lines[k - 1]!.stepId ?? ''}), ${rebooted ? 'rebooted' : 'same boot'}`;
      if (rebooted) {
        assert.equal(res.code, 2, `${where}: ${res.stderr}${res.stdout}`);
        assert.match(res.stderr, /restarted since the run last reached it/, where);
        assert.equal(alive(victim), true, `${where}: the resume killed pid ${victim}, listed before the reboot`);
        assert.equal(readFileSync(cut, 'utf8').trimEnd().split('\n').length, k, `${where}: the transcript is untouched`);
      } else {
        assert.equal(res.code, 0, `${where}: ${res.stderr}${res.stdout}`);
        await until(() => !alive(victim), 10_000, `${where}: the resume to end the victim`);
      }
    }
  }
  assert.ok(lines.some((l) => l.type === 'target-identified' && l.connection === '$host' && JSON.stringify(l).includes(`"started":"boot ${boot()}"`)), 'the host\'s boot is recorded');
});
