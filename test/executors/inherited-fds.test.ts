// A stop-73 probe: a descriptor the operator's shell left open to the engine (`exec 200>>audit.log; flock 200;
// runbook run …`) reached every step, inside the dry run's sandbox too, and `tee /dev/fd/200` (a proven read then)
// truncated audit.log through it. The supervisor now closes every descriptor above 2 before a step starts, and
// the lint reads /dev/fd/N as harmless only for N of 0, 1 and 2. The oracle is the kernel: the step lists its own
// /proc/self/fd, with the engine started holding files at generated descriptor numbers (fixed seed).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, scratch, writeRunbook } from '../hardening/helpers.js';

const SEED = 73;
function* fdNumbers(n: number): Generator<number> {
  let s = SEED;
  for (let k = 0; k < n; k++) { s = (s * 1103515245 + 12345) % 2 ** 31; yield 4 + (s % 300); }
}

/** The CLI started as a shell would start it with `N>>file` for each N: the file open at that descriptor. */
function runHolding(args: string[], fds: Map<number, number>): Promise<{ code: number | null; out: string }> {
  const top = Math.max(...fds.keys());
  const stdio = Array.from({ length: top + 1 }, (_, i) => (i < 3 ? 'pipe' : fds.get(i) ?? 'ignore'));
  const child = spawn(process.execPath, [BIN, ...args], { stdio: stdio as never });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d; });
  child.stderr!.on('data', (d: Buffer) => { out += d; });
  return new Promise((done) => child.on('close', (code) => done({ code, out })));
}

describe('a step holds no descriptor the engine was handed', () => {
  it('real and dry: the step sees 0, 1, 2 only, whatever the engine held; the held files are untouched', async (t) => {
    const dir = scratch(t);
    const victim = join(dir, 'audit.log');
    writeFileSync(victim, 'line1 important audit data\n');
    const file = writeRunbook(dir, 'fds', `name: fds
title: descriptors
steps:
  - id: look
    shell: ls /proc/self/fd
    capture: fds
  - id: done
    end: resolved
    message: "fds \${{ join(lines(trim(fds.stdout)), ',') }}"
`);
    const held = new Map<number, number>();
    for (const n of fdNumbers(6)) held.set(n, openSync(victim, 'a'));
    try {
      for (const mode of [[], ['--dry-run']]) {
        const r = await runHolding(['run', file, '--plain', '--no-transcript', ...mode], held);
        assert.equal(r.code, 0, r.out);
        // ls's own directory descriptor (3) is the only one above 2.
        assert.match(r.out, /fds 0,1,2,3\b/, `${mode.join(' ') || 'real'}: ${r.out}`);
      }
    } finally {
      for (const fd of held.values()) closeSync(fd);
    }
    assert.equal(readFileSync(victim, 'utf8'), 'line1 important audit data\n');
    assert.ok(statSync(victim).size > 0);
  });

  it('validate: `tee /dev/fd/N` and `cat /dev/fd/N` are reads only for N of 0, 1 and 2', async (t) => {
    const dir = scratch(t);
    const devNull = openSync('/dev/null', 'r');
    t.after(() => closeSync(devNull));
    const held = new Map([[3, devNull]]);
    for (const n of [...fdNumbers(4), 3, 9]) {
      for (const cmd of [`tee /dev/fd/${n}`, `cat /dev/fd/${n}`, `echo x > /dev/fd/${n}`]) {
        const file = writeRunbook(dir, `v${n}`, `name: v\ntitle: v\nsteps:\n  - id: s\n    shell: ${cmd}\n  - { id: done, end: resolved }\n`);
        const r = await runHolding(['validate', file], held);
        assert.notEqual(r.code, 0, `${cmd} validated as a read: ${r.out}`);
      }
    }
    for (const cmd of ['tee /dev/fd/2', 'cat /dev/fd/0']) {
      const file = writeRunbook(dir, 'ok', `name: v\ntitle: v\nsteps:\n  - id: s\n    shell: ${cmd}\n  - { id: done, end: resolved }\n`);
      const r = await runHolding(['validate', file], held);
      assert.equal(r.code, 0, `${cmd}: ${r.out}`);
    }
  });
});
