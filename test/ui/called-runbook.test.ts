// Called runbooks (`runbook:` steps) through the real CLI: questions and gates inside are asked and answered
// through the calling run in plain mode (stdin a pipe) and in the terminal UI (tmux); a stop inside (an abort at
// its gate, a closed stdin, SIGTERM) stops the whole run with that outcome and never takes the caller's `on: failed`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, CLI_START_MS, FIXTURES, ROOT, exitOf, runCli, sleep, waitFor } from './helpers.js';
import { hasTmux, Terminal } from './terminal.js';

const CALL_ASK = join(FIXTURES, 'call-ask.yaml');
const CALL_CREATE = join(FIXTURES, 'call-create.yaml');

function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-call-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const records = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const finished = (file: string) => records(file).find((r) => r.type === 'run-finished') as { outcome: string; message: string } | undefined;

describe('called runbooks in plain mode', { concurrency: true }, () => {
  test('a manual step and a prompt inside are answered from stdin; the run waits for them and resolves', async () => {
    const t = tempDir();
    try {
      const transcript = join(t.dir, 't.jsonl');
      const r = await runCli(['run', CALL_ASK, '--plain', '--transcript', transcript], 'fixed\nnowhere\neu-1\n');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /answer +triage\/restart-by-hand: fixed/);
      assert.match(r.stdout, /expected lower-case letters, then '-', then a digit/, 'a bad answer to the nested prompt is checked and asked again');
      assert.match(r.stdout, /\| region eu-1/);
      assert.match(r.stdout, /finished resolved .*the called runbook resolved/);
      const answered = records(transcript).filter((e) => e.type === 'question-answered').map((e) => [e.stepId, e.answer]);
      assert.deepEqual(answered, [['triage/restart-by-hand', 'fixed'], ['triage/region', 'eu-1']]);
      assert.equal(finished(transcript)?.outcome, 'resolved');
    } finally { t.cleanup(); }
  });

  test('stdin closed while a nested question waits: the run stops (exit 1, not 0), the caller\'s on: failed is not taken', async () => {
    const t = tempDir();
    try {
      const transcript = join(t.dir, 't.jsonl');
      const r = await runCli(['run', CALL_ASK, '--plain', '--transcript', transcript], 'fixed\n');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /triage\/region needs an answer and stdin is closed/);
      assert.doesNotMatch(r.stdout, /on-failed branch/);
      assert.equal(finished(transcript)?.outcome, 'failed');
      assert.match(finished(transcript)!.message, /stdin closed/);
    } finally { t.cleanup(); }
  });

  test('a gate inside is refused without approval and passes with --approve <call>/<step>', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'marker');
      const refused = await runCli(['run', CALL_CREATE, '--plain', '--no-transcript', '-i', `file=${file}`]);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.equal(existsSync(file), false);
      assert.match(refused.stdout, /add --approve fix\/create-marker/);
      assert.doesNotMatch(refused.stdout, /on-failed branch/);
      const approved = await runCli(['run', CALL_CREATE, '--plain', '--no-transcript', '-i', `file=${file}`, '--approve', 'fix/create-marker']);
      assert.equal(approved.code, 0, approved.stdout + approved.stderr);
      assert.equal(existsSync(file), true);
      assert.match(approved.stdout, /approved +fix\/create-marker by --approve fix\/create-marker/);
    } finally { t.cleanup(); }
  });

  test('a dry run passes the nested gate without running the step', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'marker');
      const r = await runCli(['run', CALL_CREATE, '--plain', '--no-transcript', '-i', `file=${file}`, '--dry-run']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(existsSync(file), false);
    } finally { t.cleanup(); }
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    test(`${signal} while a nested question waits: the whole run is interrupted (75), and resume finishes it`, async (ctx) => {
      const t = tempDir();
      try {
        const transcript = join(t.dir, 't.jsonl');
        const child = spawn(process.execPath, [BIN, 'run', CALL_ASK, '--plain', '--transcript', transcript], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => { out += d; });
        child.stdin.write('fixed\n'); // the manual step; the prompt then waits on the open pipe
        const exit = exitOf(child);
        ctx.after(() => { child.kill('SIGKILL'); }); // a failed wait must not leave it waiting on its open stdin
        await waitFor(() => /prompt +triage\/region/.test(out), 'the nested prompt to be asked', CLI_START_MS);
        child.kill(signal);
        assert.equal(await exit(`the CLI to exit on ${signal}`), 75, out);
        assert.equal(finished(transcript)?.outcome, 'interrupted');
        assert.doesNotMatch(out, /on-failed branch/);
        const resumed = await runCli(['resume', transcript, '--plain'], 'eu-1\n');
        assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
        assert.doesNotMatch(resumed.stdout, /start +triage\/restart-by-hand/, 'the answered manual step is not asked again');
        assert.match(resumed.stdout, /\| region eu-1/);
      } finally { t.cleanup(); }
    });
  }
});

describe('called runbooks in the terminal UI (tmux)', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  test('questions inside are shown and answered on screen; the run resolves', async () => {
    const t = new Terminal('call-ask.yaml');
    try {
      // A question shows its keys (a choice's hint, a prompt's field) only once it takes them: wait for that,
      // not a sleep raced against the arming window on a loaded machine (issue #20).
      await t.until('to answer');
      t.keys('Enter'); // the first choice: fixed
      await t.until(/Which region is affected\?[\s\S]*› /);
      t.keys('-l', 'eu-1');
      t.keys('Enter');
      assert.equal(await t.exitCode(), 0, t.screen());
      assert.match(t.screen(), /RESOLVED/);
      assert.doesNotMatch(t.screen(), /on-failed branch/);
      assert.equal(readFileSync(t.file, 'utf8'), 'region fixed by hand\n', 'the step after the call ran, with its output');
    } finally { t.close(); }
  });

  test('a at a gate inside aborts the whole run: exit 130, nothing created, on: failed not taken', async () => {
    const t = new Terminal('call-create.yaml', [], { transcript: true });
    try {
      await t.until('abort the run'); // the gate's keys are shown once they work
      t.keys('a');
      assert.equal(await t.exitCode(), 130, t.screen());
      assert.equal(existsSync(t.file), false);
      assert.match(t.screen(), /ABORTED/);
      const end = finished(join(t.dir, 'incident.jsonl'));
      assert.equal(end?.outcome, 'aborted');
      assert.match(end!.message, /confirmation of 'create-marker'/);
    } finally { t.close(); }
  });

  test('y at a gate inside runs the step; the run resolves', async () => {
    const t = new Terminal('call-create.yaml');
    try {
      await t.until('CONFIRM');
      assert.equal(existsSync(t.file), false, 'nothing ran before the answer');
      await t.until('abort the run'); // the gate's keys are shown once they work
      t.keys('y');
      assert.equal(await t.exitCode(), 0, t.screen());
      assert.equal(existsSync(t.file), true);
    } finally { t.close(); }
  });
});
