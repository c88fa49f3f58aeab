// `npm test` on a bare machine: its first step (test/provision.mjs) installs what the suite needs or stops at once
// with the one command to run — never a stream of failures. The machine's tools are hidden from the step with
// RUNBOOK_PROVISION_DIRS, the only directories it then searches.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'test', 'provision.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'provision-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The packages the step knows, in its order, read from its own table. */
function packages(): string[] {
  return [...readFileSync(SCRIPT, 'utf8').matchAll(/\{ pkg: '([^']+)'/g)].map((m) => m[1]!);
}

function provision(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A directory holding executables of these names (each a harmless script). */
function toolDir(names: string[]): string {
  const dir = mkdtempSync(join(scratch, 'bin-'));
  for (const name of names) {
    mkdirSync(dirname(join(dir, name)), { recursive: true }); // a file some package installs below a directory
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

const bare = () => mkdtempSync(join(scratch, 'bare-'));

test('on a bare machine the plan names every package with why, one line each, and installs nothing', () => {
  const r = provision(['--plan'], { RUNBOOK_PROVISION_DIRS: bare() });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines.map((l) => /^provision: would install (\S+): \S.+$/.exec(l)?.[1]), packages());
});

test('without root or sudo it stops at once with one line naming the exact command', () => {
  for (const env of [{ RUNBOOK_PROVISION: 'check' }, { RUNBOOK_PROVISION_AS: 'user' }] as Record<string, string>[]) {
    const r = provision([], { RUNBOOK_PROVISION_DIRS: bare(), ...env });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.includes(`run: sudo apt-get install -y ${packages().join(' ')}`), lines[0]);
  }
});

test('only what is missing is named: a machine without MariaDB and tmux', () => {
  const everything = ['postgres', 'openssl', 'bwrap', 'flock', 'setpriv', 'sshd', 'ssh', 'pgbouncer', 'haproxy',
    'stunnel4', 'cc', 'sudo', 'visudo', 'stdio.h', 'java', 'keytool', 'ip', 'podman', 'runc', 'busybox', 'fish', 'zsh', 'tcsh', 'rg', 'strace', 'zstd'];
  const share = toolDir(['java/postgresql.jar']); // beside the programs, as /usr/share is beside /usr/bin
  const r = provision([], { RUNBOOK_PROVISION_DIRS: `${toolDir(everything)}:${share}`, RUNBOOK_PROVISION: 'check' });
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /lacks mariadb-server, tmux; run: sudo apt-get install -y mariadb-server tmux {2}\(then npm test again\)$/);
  const all = provision([], { RUNBOOK_PROVISION_DIRS: `${toolDir([...everything, 'mariadbd', 'tmux'])}:${share}`, RUNBOOK_PROVISION: 'check' });
  assert.deepEqual([all.status, all.stdout, all.stderr], [0, '', '']);
});

test('this machine, after npm test provisioned it, lacks nothing', () => {
  const r = provision([], { RUNBOOK_PROVISION: 'check' });
  assert.deepEqual([r.status, r.stderr], [0, '']);
});

test('npm test and .ci/run share the step', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  assert.match(scripts['test']!, /^node test\/provision\.mjs && /);
  assert.match(readFileSync(join(ROOT, '.ci', 'run'), 'utf8'), /^node test\/provision\.mjs$/m);
});
