// `--from-pod` finds the pod's container by the cgroup its runtime made for it (src/diagnose/pod-pid.ts): real
// cgroups, named as each runtime a kubelet drives names them, each holding a real process tree (a shell and its
// child), beside the runtime monitor's own cgroup for the same ID (conmon), which must not be taken for it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { processOfContainer } from '../../src/diagnose/pod-pid.js';

const HIERARCHY = '/sys/fs/cgroup/pids'; // cgroup v1's pids controller: any process may be moved there by root
const skip = (process.getuid?.() !== 0 || !existsSync(join(HIERARCHY, 'cgroup.procs'))) && 'needs root and the cgroup v1 pids hierarchy';
const ROOT = join(HIERARCHY, `rb-pods-${process.pid}`);
const made: string[] = [];
const children: ChildProcess[] = [];

/** A cgroup at `path` (below ROOT) holding a shell that runs a sleep: the shell is the container's first process. */
async function treeIn(path: string): Promise<number> {
  const dir = join(ROOT, path);
  mkdirSync(dir, { recursive: true });
  for (let d = dir; d !== ROOT; d = join(d, '..')) if (!made.includes(d)) made.push(d);
  const shell = spawn('sh', ['-c', 'read go; sleep 60 & wait'], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  children.push(shell);
  writeFileSync(join(dir, 'cgroup.procs'), String(shell.pid));
  shell.stdin!.write('go\n'); // its sleep starts in the cgroup it was moved to
  await new Promise((r) => setTimeout(r, 100));
  return shell.pid!;
}

after(async () => {
  for (const c of children) try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } // the shell and its sleep
  await new Promise((r) => setTimeout(r, 300));
  for (const d of made.sort((a, b) => b.length - a.length)) try { rmdirSync(d); } catch { /* already gone */ }
  try { rmdirSync(ROOT); } catch { /* not made */ }
});

test('each runtime\'s cgroup name gives the container\'s first process; the monitor\'s cgroup for the same ID does not', { skip }, async () => {
  const forms: [string, (id: string) => string, (id: string) => string | undefined][] = [
    ['containerd, systemd driver', (id) => `kubepods.slice/kubepods-pod1.slice/cri-containerd-${id}.scope`, () => undefined],
    ['CRI-O, with conmon beside it', (id) => `kubepods.slice/kubepods-pod2.slice/crio-${id}.scope`, (id) => `kubepods.slice/kubepods-pod2.slice/crio-conmon-${id}.scope`],
    ['the cgroupfs driver', (id) => `kubepods/burstable/pod3/${id}`, () => undefined],
    ['Docker', (id) => `docker/docker-${id}.scope`, () => undefined],
    ['podman under systemd (a container cgroup below the scope), with conmon', (id) => `machine.slice/libpod-${id}.scope/container`, (id) => `machine.slice/libpod-conmon-${id}.scope`],
  ];
  for (const [what, cgroup, monitor] of forms) {
    const id = randomBytes(32).toString('hex');
    const beside = monitor(id);
    if (beside) await treeIn(beside); // started first: the lower PID, which must still not be chosen
    const first = await treeIn(cgroup(id));
    assert.equal(processOfContainer(id), first, what);
  }
  assert.equal(processOfContainer(randomBytes(32).toString('hex')), undefined, 'an ID no cgroup here is named after');
});
