// A server that must see its own copy of a system file (/etc/hosts, /etc/nsswitch.conf) runs in a private mount
// namespace where the lab's file is bind-mounted over the system one: the machine's files are never touched, and
// the namespace goes away with the server. unshare, sh and setpriv each exec in place, so the pid the lab holds is
// the server's.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTool } from './binaries.js';
import { LabError } from './lab-error.js';
import { APP_HOST } from './types.js';

/** target path → the file to show there instead. */
export type PrivateFiles = Record<string, string>;

const BIND_SCRIPT = 'while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 70; shift 2; done; shift; exec "$@"';

/** Wraps an already privilege-dropping command line so that it starts inside a mount namespace with `files`. */
export function withPrivateFiles(cmd: string, args: string[], files: PrivateFiles): [string, string[]] {
  if (process.getuid?.() !== 0) throw new LabError('a server with private system files (nameResolve) needs root: a mount namespace');
  const unshare = findTool('unshare');
  if (!unshare) throw new LabError('a server with private system files needs unshare: apt-get install -y util-linux');
  const binds = Object.entries(files).flatMap(([target, source]) => [source, target]);
  return [unshare, ['--mount', '--', '/bin/sh', '-c', BIND_SCRIPT, 'sh', ...binds, '--', cmd, ...args]];
}

/**
 * Name resolution that never leaves the machine: hosts from files only, and a hosts file naming this machine and
 * the lab's application host (reverse and forward, so a server's forward-confirmed lookup passes).
 */
export function labNameFiles(dir: string): PrivateFiles {
  const hosts = join(dir, 'hosts');
  const nsswitch = join(dir, 'nsswitch.conf');
  writeFileSync(hosts, `127.0.0.1 localhost\n::1 localhost\n${APP_HOST.address} ${APP_HOST.name}\n`);
  writeFileSync(nsswitch, 'passwd: files\ngroup: files\nhosts: files\n');
  for (const f of [hosts, nsswitch]) chmodSync(f, 0o644);
  return { '/etc/hosts': hosts, '/etc/nsswitch.conf': nsswitch };
}
