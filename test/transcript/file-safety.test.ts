// "Files are safe": transcripts are new files (O_EXCL), 0600, in a 0700 directory when it is created, never
// reached through a symbolic link (O_NOFOLLOW), never in a directory anyone may write to; and no writer
// (report -o, new) ever overwrites a transcript, or any other file without --force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { readTranscript } from '../../src/transcript/reader.js';
import { join } from 'node:path';
import { Run } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { createExecutors } from '../../src/executors/index.js';
import { attachTranscript } from '../../src/transcript/index.js';
import { UserError } from '../../src/common/errors.js';
import { startsLikeTranscript } from '../../src/transcript/detect.js';
import { cli, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

// Eleven CLI calls on the built CLI, what an operator runs (helpers.ts). `npm test` builds dist/ first; after
// editing src/, run `node bin/bundle.mjs` before this file.

const crash = loadRunbookFile(fixture('crash'));
process.env.SLEEP = '0';

function attach(file: string) {
  const run = new Run({ runbook: crash, inputs: {}, redactor: new Redactor(), executors: createExecutors() });
  return attachTranscript(run, crash, { file, argv: [] });
}

function refused(file: string, reason: RegExp): void {
  assert.throws(() => attach(file), (e: unknown) => {
    assert.ok(e instanceof UserError, `a UserError, not ${String(e)}`);
    assert.match(e.message, reason);
    assert.equal(e.message.split('\n').length, 1, 'one line');
    return true;
  });
}

async function recorded(dir: string): Promise<string> {
  const file = join(dir, 'run.jsonl');
  await runWithTranscript(crash, { counter: join(dir, 'counter') }, file);
  return file;
}

test('a new transcript is 0600, and the directories created for it 0700', (t) => {
  const dir = scratch(t);
  const file = join(dir, 'a', 'b', 't.jsonl');
  attach(file).close();
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'a', 'b')).mode & 0o777, 0o700);
});

test('a symbolic link at the path is refused, whatever it points at, and the target is untouched', (t) => {
  const dir = scratch(t);
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious\n');
  for (const target of [victim, join(dir, 'missing'), '/dev/null']) {
    const link = join(dir, `link-${Math.random().toString(36).slice(2)}`);
    symlinkSync(target, link);
    refused(link, /is a symbolic link/);
  }
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(existsSync(join(dir, 'missing')), false);
});

test('an existing file is never written into: a transcript points to resume, anything else to another path', (t) => {
  const dir = scratch(t);
  const other = join(dir, 'notes.txt');
  writeFileSync(other, 'notes\n');
  refused(other, /already exists; a transcript is always a new file/);
  assert.equal(readFileSync(other, 'utf8'), 'notes\n');
  // Left by an older version that died between creating the file and writing its header: said so, with the
  // one command that clears it (a new transcript appears only with its header: see the test below).
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, '');
  refused(empty, new RegExp(`${empty} is empty: a run died before its first line was complete, so nothing ran from it\\. Remove it with: rm ${empty}$`));
  const cut = join(dir, 'cut.jsonl');
  writeFileSync(cut, '{"type":"header","seq":0,"ts":"2026-');
  refused(cut, /is a transcript header cut short: .* Remove it with: rm /);
  assert.throws(() => readTranscript(empty), /is empty: .*Remove it with: rm /);
  assert.equal(readFileSync(empty, 'utf8'), '');
});

test('a new transcript appears only with its header: written under a hidden name, then linked into place', (t) => {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  const handle = attach(file);
  // Beside it while the run lasts: the room kept for its last lines (transcript/reserve.ts).
  assert.deepEqual(readdirSync(dir).sort(), ['.t.jsonl.reserve', 't.jsonl'], 'no hidden partial file is left');
  assert.equal(readTranscript(file).header.type, 'header');
  handle.close();
  assert.deepEqual(readdirSync(dir), ['t.jsonl'], 'the room is given back when the run ends');
  // A hidden file from a death before the link is no transcript and blocks nothing.
  writeFileSync(join(dir, '.u.jsonl.1.x.partial'), '');
  attach(join(dir, 'u.jsonl')).close();
  assert.equal(readTranscript(join(dir, 'u.jsonl')).header.type, 'header');
});

test('a directory writable by everyone is refused unless it has the sticky bit (like /tmp)', (t) => {
  const dir = scratch(t);
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  refused(join(open, 't.jsonl'), /writable by everyone \(mode 777\)/);
  const sticky = join(dir, 'sticky');
  mkdirSync(sticky);
  chmodSync(sticky, 0o1777);
  attach(join(sticky, 't.jsonl')).close();
});

test('run and resume: a symlinked transcript path is one line on stderr, exit 2, and nothing runs', async (t) => {
  const dir = scratch(t);
  const file = await recorded(dir);
  const link = join(dir, 'link.jsonl');
  symlinkSync(join(dir, 'elsewhere.jsonl'), link);
  const counter = join(dir, 'counter2');
  const r = await cli(['run', fixture('crash'), '--plain', '--yes', '--transcript', link, '--input', `counter=${counter}`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^runbook: refusing to start: the transcript path .*link\.jsonl is a symbolic link/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(counter), false);
  assert.equal(existsSync(join(dir, 'elsewhere.jsonl')), false);
  // A transcript cut short, reached through a link: resume refuses to append through it.
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cut = join(dir, 'cut.jsonl');
  writeFileSync(cut, `${lines.slice(0, 3).join('\n')}\n`);
  const cutLink = join(dir, 'cut-link.jsonl');
  symlinkSync(cut, cutLink);
  const before = readFileSync(cut, 'utf8');
  const resumed = await cli(['resume', cutLink, '--plain', '--yes']);
  assert.equal(resumed.code, 2, resumed.stderr);
  assert.match(resumed.stderr, /refusing to resume: the transcript path .* is a symbolic link/);
  assert.equal(readFileSync(cut, 'utf8'), before);
});

test('report -o never overwrites a transcript (not even with --force); other files only with --force', async (t) => {
  const dir = scratch(t);
  const file = await recorded(dir);
  const original = readFileSync(file, 'utf8');
  for (const extra of [[], ['--force']]) {
    const r = await cli(['report', file, '-o', file, ...extra]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^runbook: refusing to overwrite .*run\.jsonl: it is a runbook transcript/);
    assert.equal(readFileSync(file, 'utf8'), original);
  }
  // Another transcript (a copy under another name) is recognised by its content.
  const copy = join(dir, 'copy.md');
  writeFileSync(copy, original);
  assert.equal((await cli(['report', file, '-o', copy, '--force'])).code, 2);
  assert.equal(readFileSync(copy, 'utf8'), original);

  const out = join(dir, 'postmortem.md');
  assert.equal((await cli(['report', file, '-o', out])).code, 0);
  assert.match(readFileSync(out, 'utf8'), /^# Postmortem/);
  const again = await cli(['report', file, '-o', out, '--format', 'json']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists \(use --force/);
  assert.match(readFileSync(out, 'utf8'), /^# Postmortem/);
  assert.equal((await cli(['report', file, '-o', out, '--format', 'json', '--force'])).code, 0);
  assert.match(readFileSync(out, 'utf8'), /^\{/);

  const link = join(dir, 'report-link.md');
  symlinkSync(join(dir, 'victim.md'), link);
  const viaLink = await cli(['report', file, '-o', link, '--force']);
  assert.equal(viaLink.code, 2);
  assert.match(viaLink.stderr, /is a symbolic link/);
  assert.equal(existsSync(join(dir, 'victim.md')), false);
});

test('new never writes over a transcript, even with --force', async (t) => {
  const dir = scratch(t);
  const file = await recorded(dir);
  const yaml = join(dir, 'incident.yaml');
  writeFileSync(yaml, readFileSync(file));
  const r = await cli(['new', 'incident', '--dir', dir, '--force']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /it is a runbook transcript/);
  assert.ok(startsLikeTranscript(readFileSync(yaml, 'utf8')));
  // Twice in one directory: the schema beside the runbooks is ours, so it is refreshed without --force.
  assert.equal((await cli(['new', 'first', '--dir', dir])).code, 0);
  assert.equal((await cli(['new', 'second', '--dir', dir])).code, 0);
});

test('test --from-transcript -o: never through a symbolic link, never into a transcript; a cases file is added to', async (t) => {
  const dir = scratch(t);
  const file = await recorded(dir);
  const victim = join(dir, 'victim.cases.yaml');
  writeFileSync(victim, 'cases:\n');
  for (const target of [victim, join(dir, 'nowhere.yaml')]) {
    const link = join(dir, `link-${Math.random().toString(36).slice(2)}.yaml`);
    symlinkSync(target, link);
    const r = await cli(['test', '--from-transcript', file, '-o', link]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /refusing to write .* it is a symbolic link/);
  }
  assert.equal(readFileSync(victim, 'utf8'), 'cases:\n', 'the link\'s target is untouched');
  assert.equal(existsSync(join(dir, 'nowhere.yaml')), false);
  const original = readFileSync(file, 'utf8');
  const into = await cli(['test', '--from-transcript', file, '-o', file]);
  assert.equal(into.code, 2, into.stderr);
  assert.match(into.stderr, /it is a runbook transcript/);
  assert.equal(readFileSync(file, 'utf8'), original);
  const added = await cli(['test', '--from-transcript', file, '-o', victim]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(readFileSync(victim, 'utf8'), /^cases:\n {2}- name: /);
});

// A probe of stop 71: the room beside the transcript was opened with 'w', through whatever was at its name: a link
// planted there (in a sticky directory, after a full disk had freed the name) had run and resume write 64 KiB of
// zeros over root's file. The name is now made afresh (what was there unlinked, O_EXCL|O_NOFOLLOW).
test('a link or a hard link at the room\'s name: the file it points to is left as it was', (t) => {
  const dir = scratch(t);
  for (const [i, plant] of (['symlink', 'hardlink', 'dangling'] as const).entries()) {
    const victim = join(dir, `victim${i}`);
    writeFileSync(victim, 'root secret config\n', { mode: 0o600 });
    const reserve = join(dir, `.t${i}.jsonl.reserve`);
    if (plant === 'symlink') symlinkSync(victim, reserve);
    else if (plant === 'hardlink') linkSync(victim, reserve);
    else symlinkSync(join(dir, `made${i}`), reserve);
    const handle = attach(join(dir, `t${i}.jsonl`));
    assert.equal(readFileSync(victim, 'utf8'), 'root secret config\n', plant);
    assert.ok(!existsSync(join(dir, `made${i}`)), `${plant}: nothing made through the link`);
    assert.ok(lstatSync(reserve).isFile() && lstatSync(reserve).nlink === 1, `${plant}: the room is a file of its own`);
    handle.close();
  }
});
