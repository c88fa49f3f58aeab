// A proven read in a real run, as root, reaches no other root process through /proc/PID/{fd,environ,root} nor by a
// working directory there, whatever that process's capabilities (executors/shield-userns.ts). A probe of stop 74
// read a capsh --drop=cap_sys_ptrace daemon's pipe, its environment's password, and the host's /proc/kmsg through
// its /proc/PID/root: the shield dropped CAP_SYS_PTRACE only, and the kernel lets a process with a superset of
// another's capabilities in the same user namespace in. The victims' capability sets are generated (fixed seed),
// and one has none. Owners, ps, and root's reading of every file (another user's 0600 file) still hold.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, scratch, until, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';
import { refusedOrWithheld } from '../helpers/refused.js';

const root = process.getuid?.() === 0;
const tools = ['bwrap', 'setpriv', 'unshare', 'nsenter'].every((t) => spawnSync('which', [t]).status === 0);

/** Every capability this kernel and setpriv know, by name. */
const allCaps = (): string[] => spawnSync('setpriv', ['--list-caps'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

/** Capability sets: none at all, the probe's (all but CAP_SYS_PTRACE), and random subsets. */
function capabilitySets(): string[][] {
  const caps = allCaps();
  const random = rng(74);
  const subsets = Array.from({ length: 4 }, () => caps.filter(() => random() < 0.5));
  return [[], caps.filter((c) => c !== 'sys_ptrace'), ...subsets];
}

/** A root process with only `caps` (its bounding set: root's exec gets no other), reading a pipe (cat), with a
 *  token in its environment. Returns the reader's pid. */
async function victim(t: { after(fn: () => void): void }, caps: string[], token: string): Promise<number> {
  const bounding = ['-all', ...caps.map((c) => `+${c}`)].join(',');
  const shell = `while :; do echo ${token}-pipe; sleep 0.05; done | cat > /dev/null`;
  const p = spawn('setpriv', ['--bounding-set', bounding, '--inh-caps', '-all', '--', 'bash', '-c', shell], { stdio: 'ignore', env: { ...process.env, VICTIM_TOKEN: `${token}-env` }, detached: true });
  t.after(() => { try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ } });
  const reader = await until(() => Number(spawnSync('pgrep', ['-P', String(p.pid), '-x', 'cat'], { encoding: 'utf8' }).stdout.trim()) || undefined, 15_000, 'the victim to read its pipe');
  return reader;
}

describe('the shield of a proven read: no other process through /proc', { skip: !root || !tools ? 'needs root, bwrap, setpriv, unshare and nsenter' : false }, () => {
  capabilitySets().forEach((caps, i) => {
    it(`a root process with ${caps.length} capabilities (set ${i}): its pipe, environment and root are refused`, async (t) => {
      const dir = scratch(t);
      const token = `victim${i}x${Math.floor(rng(i)() * 1e6)}`;
      const pid = await victim(t, caps, token);
      const file = writeRunbook(dir, 'reach', `name: reach
title: Reach
steps:
  - id: pipe
    shell: timeout 3 head -c 200 /proc/${pid}/fd/0 || true
  - id: environ
    shell: strings -n 4 /proc/${pid}/environ || true
  - id: root
    shell: ls /proc/${pid}/root/ || true
  - id: listed
    shell: ps -p ${pid} -o user=,comm=
  - id: cwd
    shell: { run: "ls", cwd: /proc/${pid}/root/proc }
  - { id: done, end: resolved, message: ok }
`);
      const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir });
      const out = r.stdout + r.stderr;
      assert.doesNotMatch(out, new RegExp(`${token}-(pipe|env)`), 'the victim\'s pipe or environment was read');
      const section = (id: string, next: string) => out.slice(out.indexOf(`start    ${id}`), out.indexOf(`start    ${next}`));
      for (const [id, next] of [['pipe', 'environ'], ['environ', 'root'], ['root', 'listed']] as const) {
        assert.match(section(id, next), refusedOrWithheld('Permission denied'), `${id}: ${section(id, next)}`);
      }
      assert.match(section('listed', 'cwd'), /\| root\s+cat\n/, 'ps still lists it');
      assert.match(out, /cd: \/proc\/\d+\/root\/proc: Permission denied/, 'the working directory in its root');
      assert.notEqual(r.code, 0);
    });
  });

  it('owners read as they are and root reads every file: another user\'s 0600 file, /etc/shadow', async (t) => {
    const dir = scratch(t);
    const secret = join(dir, 'theirs');
    writeFileSync(secret, 'only-its-owner\n', { mode: 0o600 });
    chownSync(secret, 12345, 23456);
    // What root read of files kept from others is withheld (engine/kept-files.ts), its size too (stop 80): the
    // step's status, which a step given a secret still tells, says root read what each file holds.
    const shadow = existsSync('/etc/shadow') ? '  - id: shadow\n    shell: grep -q "^root:" /etc/shadow\n' : '';
    const file = writeRunbook(dir, 'own', `name: own\ntitle: Own\nsteps:\n  - id: read\n    shell: "grep -q only-its-owner ${secret}"\n${shadow}  - id: meta\n    shell: "stat -c '%u:%g %a' ${secret}; ps -p 1 -o pid="\n  - { id: done, end: resolved, message: ok }\n`);
    const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const id of ['read', ...(shadow ? ['shadow'] : [])]) {
      assert.match(r.stdout, new RegExp(`withheld ${id}: given a secret \\(a file others may not read`), r.stdout);
      assert.match(r.stdout, new RegExp(`^ok +${id} \\(`, 'm'), `${id}: root read the file (grep found its line)`);
    }
    assert.match(r.stdout, /\| 12345:23456 600\n/);
    assert.match(r.stdout, /\|\s+1\n/);
  });
});
