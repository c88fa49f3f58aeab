// Servers refuse to run as root (PostgreSQL always, MariaDB without --user), so when
// we are root they run as an unprivileged account via setpriv. setpriv execs in place,
// so the pid we hold is the server itself, and --pdeathsig kills it if we die hard.
import { execFileSync } from 'node:child_process';
import { lchownSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { findTool } from './binaries.js';
import { LabError } from './lab-error.js';
import { labEnv } from '../secrets/credential-env.js';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

function lookupUser(name: string): OsUser | undefined {
  try {
    const out = execFileSync('getent', ['passwd', name], { encoding: 'utf8', env: labEnv() });
    const [, , uid, gid] = out.trim().split(':');
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

const isRoot = (): boolean => process.getuid?.() === 0;

const PREFERRED: Record<'postgres' | 'mariadb', string[]> = {
  postgres: ['postgres', 'nobody'],
  mariadb: ['mysql', 'nobody'],
};

const userCache = new Map<string, OsUser | undefined>();

/** The account a server runs as: undefined means "ourselves" (not root). */
export function serverUser(engine: 'postgres' | 'mariadb'): OsUser | undefined {
  if (!isRoot()) return undefined;
  if (userCache.has(engine)) return userCache.get(engine);
  const user = PREFERRED[engine].map(lookupUser).find((u) => u !== undefined);
  if (!user) throw new LabError(`running as root but none of ${PREFERRED[engine].join(', ')} exists`);
  userCache.set(engine, user);
  return user;
}

/** Command + args that run `cmd` as `user` and die with us (when setpriv exists). */
export function wrapCommand(cmd: string, args: string[], user: OsUser | undefined): [string, string[]] {
  const setpriv = findTool('setpriv');
  if (!setpriv) {
    if (user) throw new LabError('running as root needs setpriv to drop privileges: apt-get install -y util-linux');
    return [cmd, args];
  }
  const drop = user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups'] : [];
  return [setpriv, [...drop, '--pdeathsig', 'SIGKILL', '--', cmd, ...args]];
}

/** chown -R without following symlinks; no-op when not root. */
export function chownTree(path: string, user: OsUser | undefined): void {
  if (!user) return;
  lchownSync(path, user.uid, user.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), user);
}

/**
 * An OS user that may not open a lab server's socket: neither root (which opens any socket) nor the server's own
 * user. `nobody`, unless the server itself runs as nobody (a machine without a postgres/mysql account).
 */
export function socketOutsider(engine: 'postgres' | 'mariadb'): OsUser {
  const outsider = lookupUser('nobody');
  if (!isRoot()) throw new LabError('socket-access needs root to run the client as another OS user');
  if (!outsider || outsider.uid === serverUser(engine)?.uid) throw new LabError(`socket-access needs an OS user other than root and the ${engine} server's (nobody)`);
  return outsider;
}
