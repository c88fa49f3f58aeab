// The wrapper's one-copy record (issue #30): written in place, never truncated (truncating it made ext4 flush the
// file on every step, 1.7–3.4 ms), so the file keeps one fixed-width line. The wrapper runs here under a real bash,
// in a session of its own as sshd would start it: a record left by any earlier copy, shorter or longer, is covered
// whole; a normal end leaves it blank; a record a killer marked `ending` is left for the killer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remoteWrapper } from '../../src/executors/remote-wrapper.js';

const LOCK = 'abc123';
const BLANK = `${' '.repeat(40)}\n`;

/** Runs the wrapper with `script` as sshd would (a new session), its lock file in a directory of its own. */
function run(script: string, before?: string): { status: number | null; stderr: string; record: string; sameFile: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-lock-test-'));
  try {
    const file = join(dir, `runbook-step-${LOCK}.pgid`);
    if (before !== undefined) writeFileSync(file, before);
    const ino = before !== undefined ? statSync(file).ino : undefined;
    const w = remoteWrapper({ script, values: 0, envNames: [], cwd: false, handshake: 'hs', lock: LOCK });
    const r = spawnSync('setsid', ['-w', 'bash', '-c', w, 'runbook'], { env: { PATH: process.env.PATH, TMPDIR: dir }, encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, stderr: r.stderr, record: readFileSync(file, 'utf8'), sameFile: ino === undefined || statSync(file).ino === ino };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a normal end leaves one blank fixed-width line, written in place', () => {
  const first = run('true');
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.record, BLANK);
  // An earlier copy's record, of the old variable-length format: gone (its group is not alive), covered whole.
  const old = run('echo ran', '4194303\n');
  assert.equal(old.status, 0, old.stderr);
  assert.equal(old.record, BLANK);
  assert.equal(old.sameFile, true);
});

test('while the step runs its record names its group; a record marked ending is not cleared by the step', () => {
  const during = run('read -r pid _ < "$__runbook_lock"; [ "$pid" = "$$" ] || { echo "record: $pid, group: $$" >&2; exit 3; }');
  assert.equal(during.status, 0, during.stderr);
  // A killer marked the record (it clears it itself once the group is gone): the wrapper's end leaves it.
  const marked = run('printf "%-40s\\n" "$$ ending" 1<> "$__runbook_lock"');
  assert.equal(marked.status, 0, marked.stderr);
  assert.match(marked.record, /^\d+ ending {26,}\n$/);
  assert.equal(marked.record.length, BLANK.length);
});

test('a failing step still leaves its record blank', () => {
  const failed = run('exit 7');
  assert.equal(failed.status, 7);
  assert.equal(failed.record, BLANK);
});
