// A real Podman container for the vantage tests (--from-container, --from-pod): a busybox root, no network of
// its own but its loopback, sleep as the application.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
export const canRunPodman = process.getuid?.() === 0 && has('podman', ['--version']) && has('busybox', ['true']);
export const PODMAN_SKIP = !canRunPodman && 'needs root, podman and busybox-static (node test/provision.mjs installs them)';

/** podman as this VM allows it: runc where crun cannot set limits, limits below the machine's hard ones. */
export function podman(args: string[]) {
  const runtime = has('runc', ['--version']) ? ['--runtime', 'runc'] : [];
  return spawnSync('podman', [...runtime, ...args], { encoding: 'utf8', timeout: 120_000 });
}

/** A root of its own in `dir` with one static busybox. */
function rootfs(dir: string, name: string): string {
  const root = join(dir, name);
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  copyFileSync(busybox, join(root, 'bin', 'busybox'));
  for (const tool of ['sh', 'sleep']) symlinkSync('busybox', join(root, 'bin', tool));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  return root;
}

/** A root of its own in `dir` for an application of this host (node, java): this host's /usr read-only (this
 *  machine's / links bin and lib there), its own /etc and /app, which hold `files`. */
export function appRootfs(dir: string, name: string, files: Record<string, string | Buffer>): string {
  const root = join(dir, name);
  for (const d of ['usr', 'etc', 'proc', 'sys', 'dev', 'tmp', 'app']) mkdirSync(join(root, d), { recursive: true });
  for (const link of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${link}`, join(root, link));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
  return root;
}

/** Starts container `name` running `command` in a root of its own under `dir` (or `root`), with `options`
 *  (default: no network of its own but its loopback). */
export function startContainer(dir: string, name: string, command: string[], options: string[] = ['--network=none'], root = rootfs(dir, name)): void {
  const r = podman(['run', '-d', '--name', name, ...options, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1000:1000', '--rootfs', root, ...command]);
  assert.equal(r.status, 0, `podman run: ${r.stderr}`);
}

export const inspect = (name: string, format: string): string => podman(['inspect', '--format', format, name]).stdout.trim();
