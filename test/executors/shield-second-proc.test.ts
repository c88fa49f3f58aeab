// A proc mounted anywhere but /proc (a chroot's), or one of its files bound to another path, is masked whole
// from a proven read (mount-masks.ts): a probe of stop 74 mounted a second proc and `head` took the kernel's
// messages from its kmsg in a real run, the shield masking /proc/kmsg by its path alone. Real mounts here; the
// step only opens kmsg (head -c 0: opening takes nothing, reading would), which the mask refuses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { removeAfterGrace } from '../helpers/unmounted-grace.js';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, writeRunbook } from '../hardening/helpers.js';
import { refusedOrWithheld } from '../helpers/refused.js';

const root = process.getuid?.() === 0;

/** Mounts at each point; unmounts them all (before anything removes their directory) when `t` ends. */
function mountAll(t: { after(fn: () => void): void }, dir: string, mounts: [args: string[], point: string][]): boolean {
  const done: string[] = [];
  t.after(() => {
    for (const point of done.reverse()) spawnSync('umount', [point]);
    if (done.every((point) => spawnSync('mountpoint', ['-q', point]).status !== 0)) removeAfterGrace(dir);
  });
  for (const [args, point] of mounts) {
    if (spawnSync('mount', [...args, point]).status !== 0) return false;
    done.push(point);
  }
  return true;
}

describe('a second proc mount in a real run', { skip: !root ? 'needs root' : false }, () => {
  it('is masked whole, and so is /proc/kmsg bound elsewhere', async (t) => {
    const dir = mkdtempSync('/var/tmp/runbook-second-proc-');
    const proc = join(dir, 'chroot', 'proc');
    mkdirSync(proc, { recursive: true });
    const kmsg = join(dir, 'kmsg');
    writeFileSync(kmsg, '');
    if (!mountAll(t, dir, [[['-t', 'proc', 'proc'], proc], [['--bind', '/proc/kmsg'], kmsg]])) return t.skip('mounting is refused here');
    const file = writeRunbook(dir, 'second', `name: second
title: Second
steps:
  - id: chroot
    shell: head -c 0 ${proc}/kmsg || true
  - id: listed
    shell: ls ${proc} | wc -l
  - id: bound
    shell: head -c 0 ${kmsg} || true
  - { id: done, end: resolved, message: ok }
`);
    const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir });
    const out = r.stdout + r.stderr;
    const section = (id: string, next: string) => out.slice(out.indexOf(`start    ${id}`), out.indexOf(`start    ${next}`));
    assert.match(section('chroot', 'listed'), refusedOrWithheld('No such file or directory'), out);
    assert.match(section('listed', 'bound'), /\| 0\n/, 'the second proc reads empty');
    assert.match(section('bound', 'done'), refusedOrWithheld('Permission denied'), out);
  });
});
