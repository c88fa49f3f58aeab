// A proven read cannot act through a filesystem whose files act when read, wherever it is mounted (a probe of
// stop 72 mounted a tracefs at a scratch path: `head trace_pipe` took the tracer's events and `cat free_buffer`
// freed its ring buffer, through a step's cwd:, in real runs and dry runs). The tracefs here is a real one, at a
// scratch path with a space in it (mountinfo writes it \040); its state is a tracing instance of the test's own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { removeAfterGrace } from '../helpers/unmounted-grace.js';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { cli, writeRunbook } from '../hardening/helpers.js';

const root = process.getuid?.() === 0;
const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].some((p) => existsSync(p));

/** A tracefs at a scratch path and an instance in it holding two events; undefined where mounting is refused.
 *  Every tracefs mount is the one tracer: the instance is this test's own, and nothing recursive ever removes
 *  inside the mount (it would remove other instances): the directory goes only once it is unmounted. */
function tracefs(t: TestContext, name: string): { dir: string; mount: string; instance: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-tracefs-'));
  const mount = join(dir, 'trace fs');
  mkdirSync(mount);
  const instance = join(mount, 'instances', `runbook-${process.pid}-${name}`);
  t.after(() => { // the instance's buffer and events go with it; then the mount, then the directory
    try { rmdirSync(instance); } catch { /* never made */ }
    if (spawnSync('mountpoint', ['-q', mount]).status === 0 && spawnSync('umount', [mount]).status !== 0) return;
    removeAfterGrace(dir);
  });
  if (spawnSync('mount', ['-t', 'tracefs', 'nodev', mount]).status !== 0) return undefined;
  mkdirSync(instance);
  for (const m of ['first-event', 'second-event']) writeFileSync(join(instance, 'trace_marker'), `${m}\n`);
  return { dir, mount, instance };
}

const events = (instance: string) => readFileSync(join(instance, 'trace'), 'utf8').match(/(first|second)-event/g) ?? [];
const bufferKb = (instance: string) => readFileSync(join(instance, 'buffer_size_kb'), 'utf8').trim();

describe('a tracefs mounted anywhere is out of a proven read\'s reach', { skip: !root || !bwrap ? 'needs root and bwrap' : false }, () => {
  for (const dry of [false, true]) {
    it(`${dry ? 'dry' : 'real'} run: trace_pipe keeps its events, free_buffer frees nothing`, async (t) => {
      const fs = tracefs(t, dry ? 'dry' : 'real');
      if (!fs) return t.skip('mount -t tracefs is not permitted here');
      const { dir, mount, instance } = fs;
      const before = bufferKb(instance);
      const rel = relative(mount, instance);
      const file = writeRunbook(dir, 'tracefs', `name: tracefs
title: Tracefs
steps:
  - id: pipe
    shell: { run: "timeout 3 head -n 1 ${rel}/trace_pipe || true", cwd: "${mount}" }
  - id: free
    shell: { run: "cat ${rel}/free_buffer || true", cwd: "${mount}" }
  - id: absolute
    shell: "timeout 3 head -n 1 '${instance}/trace_pipe' || true"
  - { id: done, end: resolved, message: ok }
`);
      const v = await cli(['validate', file]);
      assert.match(v.stdout, /0 errors, 0 warnings/, 'proven reads, no gate');
      const r = await cli(['run', file, '--plain', '--no-transcript', ...(dry ? ['--dry-run'] : [])], { cwd: dir });
      const after = { events: events(instance), bufferKb: bufferKb(instance) };
      assert.deepEqual(after, { events: ['first-event', 'second-event'], bufferKb: before }, `events taken or the buffer freed: ${r.stdout}`);
      assert.doesNotMatch(r.stdout, /-event/, 'an event was read');
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });
  }
});
