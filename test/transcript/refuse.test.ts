// Nothing runs without a record: a transcript that cannot be written stops the run before its first
// step, and a write that fails mid-run stops the run there. Real failures only (no mocks): a parent that
// is a file, a full device, read-only and permission-denied directories, a file-size limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Run } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { createExecutors } from '../../src/executors/index.js';
import { attachTranscript } from '../../src/transcript/index.js';
import { UserError } from '../../src/common/errors.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { ROOT, cli, fixture, loadRunbookFile, scratch } from './helpers.js';
import { checkoutUsableBy, NOBODY } from '../helpers/access.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

/** Kill timer of the CLI runs below (the built CLI, as helpers.ts's; TSX_DISABLE_CACHE only matters where dist/
 *  is not built and bin/runbook.js falls back to the sources, whose tsx cache would be written under the same
 *  user and limits). A hang guard only: the end-to-end limit (issue #20). */
const CLI_RUN_LIMIT_MS = E2E_TEST_LIMIT_MS;

function attach(file: string) {
  const runbook = loadRunbookFile(fixture('crash'));
  const run = new Run({ runbook, inputs: {}, redactor: new Redactor(), executors: createExecutors() });
  return () => attachTranscript(run, runbook, { file, argv: [] });
}

function refuses(file: string, reason: RegExp) {
  assert.throws(attach(file), (e: unknown) => {
    assert.ok(e instanceof UserError, `a UserError, not ${String(e)}`);
    assert.match(e.message, /^refusing to start: cannot write the transcript /);
    assert.match(e.message, reason);
    return true;
  });
}

test('refuses when a parent of the path is a regular file', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'plain-file'), 'x');
  refuses(join(dir, 'plain-file', 'sub', 't.jsonl'), /not a directory \(ENOTDIR\)|a parent of it is a file \(EEXIST\)/);
});

test('refuses when the disk is full (/dev/full accepts the open, fails the write)', { skip: !existsSync('/dev/full') && 'no /dev/full' }, () => {
  refuses('/dev/full', /no space left on device \(ENOSPC\)/);
});

test('refuses a directory on a read-only file system', { skip: !isSysfs() && 'no sysfs at /sys' }, () => {
  refuses('/sys/runbook-transcript-test.jsonl', /(permission denied \(EACCES\)|read-only file system \(EROFS\))/);
});

test('refuses a directory that cannot be created', () => {
  refuses('/proc/runbook-transcript-test/t.jsonl', /\((ENOENT|EACCES|EROFS)\)/);
});

test('refuses a directory without write permission (as an unprivileged user)', {
  skip: process.getuid?.() === 0 && !checkoutUsableBy(NOBODY) && 'this checkout is not readable by nobody (a private parent directory)',
}, (t) => {
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  const locked = join(dir, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  const file = join(locked, 't.jsonl');
  if (process.getuid?.() !== 0) return refuses(file, /permission denied \(EACCES\)/);
  // Root ignores permission bits: run the CLI as nobody (65534), for whom the directory really is read-only.
  const r = spawnSync(process.execPath, ['bin/runbook.js', 'run', fixture('crash'), '--plain', '--transcript', file, '--input', `counter=${join(dir, 'counter')}`],
    { cwd: ROOT, uid: 65534, gid: 65534, env: { ...process.env, TSX_DISABLE_CACHE: '1', HOME: dir }, encoding: 'utf8', timeout: CLI_RUN_LIMIT_MS });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /refusing to start: cannot write the transcript .*locked\/t\.jsonl: permission denied \(EACCES\)/);
  assert.equal(existsSync(join(dir, 'counter')), false);
});

test('refuses to write into a file that already holds a transcript', (t) => {
  const file = join(scratch(t), 't.jsonl');
  writeFileSync(file, '{"type":"header"}\n');
  assert.throws(attach(file), /already holds a transcript; continue it with 'runbook resume/);
});

test('run: an unwritable transcript is one line on stderr, exit 2, and no step runs', async (t) => {
  const dir = scratch(t);
  const counter = join(dir, 'counter');
  const r = await cli(['run', fixture('crash'), '--plain', '--yes', '--transcript', '/dev/full', '--input', `counter=${counter}`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^runbook: refusing to start: cannot write the transcript \/dev\/full: no space left on device \(ENOSPC\)\./);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(counter), false, 'no step ran');
});

test('run: a write that fails mid-run (file size limit) stops the run before the next step', { skip: !hasPrlimit() && 'no prlimit' }, (t) => {
  const dir = scratch(t);
  const counter = join(dir, 'counter');
  const file = join(dir, 't.jsonl');
  // RLIMIT_FSIZE makes writes past 16 KiB fail with EFBIG (node ignores SIGXFSZ); TSX_DISABLE_CACHE keeps
  // tsx, if dist/ is not built, from writing its own cache files under the same limit.
  const r = spawnSync('prlimit', ['--fsize=16384', process.execPath, 'bin/runbook.js', 'run', fixture('writefail'), '--plain', '--transcript', file, '--input', `counter=${counter}`],
    { cwd: ROOT, env: { ...process.env, TSX_DISABLE_CACHE: '1', NO_COLOR: '1' }, encoding: 'utf8', timeout: CLI_RUN_LIMIT_MS });
  // Stopped for want of a record: interrupted (75), resumable once the transcript can be written.
  assert.equal(r.status, 75, r.stderr + r.stdout);
  assert.match(r.stdout, /cannot record the run: transcript .*file too large \(EFBIG\)/);
  assert.equal(existsSync(counter), false, 'the step after the failed write never ran');
  const read = readTranscript(file);
  assert.equal(read.header.runbook.name, 'writefail');
  assert.ok(read.lines.some((l) => l.type === 'step-started' && l.stepId === 'chatty'));
  assert.ok(readFileSync(file).length <= 16384);
});

function isSysfs(): boolean {
  try { return statfsSync('/sys').type === 0x62656572; } catch { return false; }
}

function hasPrlimit(): boolean {
  return spawnSync('prlimit', ['--version']).status === 0;
}
