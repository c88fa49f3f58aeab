// A proven read in a real run, as root, is shielded from files that act when opened or read (executors/shield.ts;
// probes of stop 66 reached /proc/kmsg in real runs by a relative path, through xargs, by recursion): its /dev is
// minimal and /proc/kmsg reads as /dev/null, however the path is built; everything else it reads is the host's.
// A step the author vouched for (safe_because) runs as before.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const root = process.getuid?.() === 0;
const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].some((p) => existsSync(p));

describe('the shield of a proven read in a real run', { skip: !root || !bwrap ? 'needs root and bwrap' : false }, () => {
  it('devices and /proc/kmsg are out of reach however the path is built; the host reads as it is; a vouched step is not shielded', async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'shield', `name: shield
title: Shield
steps:
  - id: relative
    shell: timeout 5 head -c 300 ../../../../../../../../proc/kmsg || true
  - id: piped
    shell: echo /proc/kmsg | timeout 5 xargs head -c 300 || true
  - id: devices
    shell: ls /dev
  - id: host
    shell: head -n 1 /proc/meminfo; cat /etc/hostname; ps -p 1 -o pid=
  - id: vouched
    destructive: false
    safe_because: lists the devices (a test of what is not shielded)
    shell: ls /dev
  - { id: done, end: resolved, message: ok }
`);
    const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.stdout;
    const section = (id: string, next: string) => out.slice(out.indexOf(`start    ${id}`), out.indexOf(`start    ${next}`));
    // /proc/kmsg is /dev/null on a mount that allows no devices: opening it is refused, nothing is taken.
    for (const [id, next] of [['relative', 'piped'], ['piped', 'devices']] as const) {
      assert.match(section(id, next), /Permission denied/, `${id}: /proc/kmsg was opened`);
      assert.doesNotMatch(section(id, next), /\| <\d+>|\| \[\s*\d+\.\d+\]/, `${id}: a kernel message was read`);
    }
    const devices = section('devices', 'host');
    assert.match(devices, /\| null\n/);
    assert.doesNotMatch(devices, /watchdog|\| sd[a-z]|\| nvme|\| vd[a-z]|\| tty[0-9]|\| kmsg|\| mem\n|\| port\n/, 'a minimal /dev');
    assert.match(section('host', 'vouched'), /MemTotal/);
    assert.match(section('host', 'vouched'), /\|\s+1\n/, 'the host\'s processes');
    assert.match(section('vouched', 'done'), /\| (kmsg|mem|tty0|full|cpu)\n/, 'a vouched step sees the host\'s /dev');
  });
});
