// The real CLI in plain mode (stdin a pipe, not a TTY): destructive steps run only when approved by flag.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, runCli } from './helpers.js';

const CREATE = join(FIXTURES, 'create-file.yaml');

function marker(): { file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-ui-'));
  return { file: join(dir, 'marker'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('plain mode through the CLI', { concurrency: true }, () => {
  test('no approval: the destructive step does not run, exit 1, the message names --approve', async () => {
    const m = marker();
    try {
      const r = await runCli(['run', CREATE, '--plain', '--no-transcript', '-i', `file=${m.file}`]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(existsSync(m.file), false);
      assert.match(r.stdout, /'create-marker' is destructive and was not approved/);
      assert.match(r.stdout, /--approve create-marker/);
      assert.doesNotMatch(r.stdout, /\u001b\[/);
    } finally { m.cleanup(); }
  });

  test('--approve <id>: it runs, exit 0, and the output says which flag approved it', async () => {
    const m = marker();
    try {
      const r = await runCli(['run', CREATE, '--plain', '--no-transcript', '-i', `file=${m.file}`, '--approve', 'create-marker']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(existsSync(m.file), true);
      assert.match(r.stdout, /approved create-marker by --approve create-marker/);
    } finally { m.cleanup(); }
  });

  test('--approve for another step does not approve this one', async () => {
    const m = marker();
    try {
      const r = await runCli(['run', CREATE, '--plain', '--no-transcript', '-i', `file=${m.file}`, '--approve', 'look']);
      assert.equal(r.code, 1);
      assert.equal(existsSync(m.file), false);
    } finally { m.cleanup(); }
  });

  test('--yes: it runs, exit 0', async () => {
    const m = marker();
    try {
      const r = await runCli(['run', CREATE, '--plain', '--no-transcript', '-i', `file=${m.file}`, '--yes']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(existsSync(m.file), true);
      assert.match(r.stdout, /approved create-marker by --yes/);
    } finally { m.cleanup(); }
  });

  test('--dry-run: nothing destructive runs; the end lists what a real run would ask about', async () => {
    const m = marker();
    try {
      const transcript = `${m.file}.jsonl`;
      const r = await runCli(['run', CREATE, '--transcript', transcript, '-i', `file=${m.file}`, '--dry-run']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(existsSync(m.file), false);
      assert.match(r.stdout, /a real run would ask you to confirm:\n {2}- create-marker: touch /);
      // The screen and the record say the same: the step a dry run only showed is not "ok", and an ending of
      // "resolved" after it is said to have fixed nothing (the fixture's message claims the marker exists).
      assert.match(r.stdout, /finished resolved in \S+ \(1 ok, 1 shown, not run, 0 failed, 0 skipped\)/);
      assert.match(r.stdout, /dry run {2}nothing was fixed: create-marker only shown; a real run ends resolved here only if it works/);
      const finished = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.type === 'run-finished');
      assert.deepEqual(finished.steps, { ok: 1, failed: 0, skipped: 0, shown: 1 });
    } finally { m.cleanup(); }
  });

  test('answers come from stdin line by line; a closed stdin stops the run (exit 1)', async () => {
    const ask = join(FIXTURES, 'ask.yaml');
    const ok = await runCli(['run', ask, '--no-transcript'], 'fixed\nnowhere\neu-1\n');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /expected lower-case letters, then '-', then a digit/);
    assert.match(ok.stdout, /\| region eu-1/);
    const closed = await runCli(['run', ask, '--no-transcript'], 'fixed\n');
    assert.equal(closed.code, 1, closed.stdout + closed.stderr);
    assert.match(closed.stdout, /no operator input: stdin closed/);
  });

  test('the transcript path is printed at the start and at the end', async () => {
    const m = marker();
    try {
      const transcript = `${m.file}.jsonl`;
      const r = await runCli(['run', CREATE, '--plain', '--transcript', transcript, '-i', `file=${m.file}`, '--yes']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.ok(lines.slice(0, 3).some((l) => l.includes(transcript)), r.stdout);
      assert.ok(lines.at(-1)!.includes(transcript), r.stdout);
    } finally { m.cleanup(); }
  });
});
