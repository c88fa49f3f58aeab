// The wrapper's one-copy record (issue #30): written in place, never truncated (truncating it made ext4 flush the
// file on every step, 1.7–3.4 ms), so the file keeps one fixed-width line. The wrapper runs here under a real bash,
// in a session of its own as sshd would start it: a record left by any earlier copy, shorter or longer, is covered
// whole; a normal end leaves it blank; a record a killer marked `ending` is left for the killer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remoteWrapper } from '../../src/executors/remote-wrapper.js';

const LOCK = 'abc123';
const BLANK = `${' '.repeat(40)}\n`;

/** Runs the wrapper with `script` as sshd would (a new session), its lock file in a directory of its own. Its
 *  stdin stays open until it exits, as the engine holds a step's: an EOF there means the client went away, and
 *  the watcher would end the step. HOME there has no rc file to read. */
async function run(script: string, before?: string): Promise<{ status: number | null; stderr: string; record: string; sameFile: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-lock-test-'));
  try {
    const file = join(dir, `runbook-step-${LOCK}.pgid`);
    if (before !== undefined) writeFileSync(file, before);
    const ino = before !== undefined ? statSync(file).ino : undefined;
    const w = remoteWrapper({ script, values: 0, envNames: [], cwd: false, handshake: 'hs', lock: LOCK });
    const child = spawn('setsid', ['-w', 'bash', '-c', w, 'runbook'], { env: { PATH: process.env.PATH, TMPDIR: dir, HOME: dir, SHLVL: '2' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000); // a hang guard, not a synchronisation
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    clearTimeout(guard);
    child.stdin!.end();
    return { status, stderr, record: readFileSync(file, 'utf8'), sameFile: ino === undefined || statSync(file).ino === ino };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a normal end leaves one blank fixed-width line, written in place', async () => {
  const first = await run('true');
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.record, BLANK);
  // An earlier copy's record, of the old variable-length format: gone (its group is not alive), covered whole.
  const old = await run('echo ran', '4194303\n');
  assert.equal(old.status, 0, old.stderr);
  assert.equal(old.record, BLANK);
  assert.equal(old.sameFile, true);
});

test('while the step runs its record names its group; a record marked ending is not cleared by the step', async () => {
  const during = await run('read -r pid _ < "$__runbook_lock"; [ "$pid" = "$$" ] || { echo "record: $pid, group: $$" >&2; exit 3; }');
  assert.equal(during.status, 0, during.stderr);
  // A killer marked the record (it clears it itself once the group is gone): the wrapper's end leaves it.
  const marked = await run('printf "%-40s\\n" "$$ ending" 1<> "$__runbook_lock"');
  assert.equal(marked.status, 0, marked.stderr);
  assert.match(marked.record, /^\d+ ending {26,}\n$/);
  assert.equal(marked.record.length, BLANK.length);
});

test('a failing step still leaves its record blank', async () => {
  const failed = await run('exit 7');
  assert.equal(failed.status, 7);
  assert.equal(failed.record, BLANK);
});
