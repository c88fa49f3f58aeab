// The terminal goes away (issue 49): tmux's session killed under the terminal UI at a gate, and in the middle of
// a step's output. Node 20 aborted as it exited (SIGABRT, 134: its stdio reset on a dead tty, nodejs/node#51519)
// instead of the documented 75. Now the exit code is 75, the transcript ends `interrupted`, and
// `runbook resume` continues it to the end. The CLI runs under a small wrapper that survives the hang-up and
// writes down how the CLI ended (its exit code, or the signal that killed it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SHELL, TMUX } from '../hardening/tmux.js';
import { until } from '../helpers/poll.js';
import { cli } from '../helpers/cli.js';
import { BIN, ROOT } from './helpers.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// Survives the hang-up (a handler, not SIG_IGN: the CLI gets default dispositions), records how the CLI ended, and
// lets go of its own dead terminal before Node's teardown touches it.
const WRAPPER = `process.on('SIGHUP', () => {});
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const [out, ...args] = process.argv.slice(1);
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
fs.writeFileSync(out, r.signal ? r.signal : String(r.status));
for (const fd of [0, 1, 2]) { try { fs.closeSync(fd); fs.openSync('/dev/null', 'r+'); } catch {} }`;

const RUNBOOK = `name: lost
title: A terminal that goes away
inputs:
  file: { description: the marker, required: true }
steps:
  - id: chatter
    destructive: false
    safe_because: prints lines, and reads nothing
    title: Prints for a while
    shell: for i in $(seq 1 150); do echo "line $i of the chatter"; sleep 0.02; done
  - id: act
    title: Act
    destructive: true
    shell: touch \${{ inputs.file }}
    next: done
    on: { skipped: stop }
  - { id: stop, end: escalate, message: skipped }
  - { id: done, end: resolved, message: acted }
`;

async function loseTerminal(when: 'gate' | 'output'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-lost-'));
  const socket = `runbook-lost-${process.pid}-${when}`;
  const tmux = (...a: string[]) => execFileSync(TMUX!, ['-L', socket, ...a], { encoding: 'utf8' });
  try {
    const rb = join(dir, 'lost.yaml');
    const transcript = join(dir, 'run.jsonl');
    const marker = join(dir, 'marker');
    writeFileSync(rb, RUNBOOK);
    const args = [BIN, 'run', rb, '--transcript', transcript, '-i', `file=${marker}`];
    const command = `${TEST_SHELL}cd ${q(ROOT)} && env CI=true NO_COLOR=1 ${q(process.execPath)} -e ${q(WRAPPER)} ${q(join(dir, 'ended'))} ${args.map(q).join(' ')}; sleep 600`;
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'ui', command);
    const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
    const wanted = when === 'gate' ? /y +run +s +skip/ : /line (2\d|[3-9]\d) of the chatter/;
    await until(() => (wanted.test(screen()) ? true : undefined), 60_000, `${when} on screen`, 50);
    tmux('kill-session', '-t', 'ui');
    // The wrapper creates the file, then writes the code: an existing file may still be empty for a moment.
    await until(() => (existsSync(join(dir, 'ended')) && readFileSync(join(dir, 'ended'), 'utf8') !== '' ? true : undefined), 60_000, 'the CLI to end');
    assert.equal(readFileSync(join(dir, 'ended'), 'utf8'), '75', `${when}: how the CLI ended`);
    const lines = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string });
    assert.equal(lines.at(-1)?.type, 'run-finished');
    assert.equal(lines.at(-1)?.outcome, 'interrupted');
    assert.equal(existsSync(marker), false, 'nothing destructive ran');
    const resumed = cli(['resume', transcript, '--plain', '--yes'], { env: { CI: 'true' } }); // the run's environment: a resume compares it
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.ok(existsSync(marker), 'the resumed run acted');
  } finally {
    try { tmux('kill-server'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the terminal killed at a gate: exit 75 (not SIGABRT), the transcript ends interrupted and resumes', { skip: !TMUX && 'tmux not installed', timeout: 120_000 }, () => loseTerminal('gate'));
test('the terminal killed in the middle of output: exit 75, interrupted, resumable', { skip: !TMUX && 'tmux not installed', timeout: 120_000 }, () => loseTerminal('output'));
