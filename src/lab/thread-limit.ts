// A MariaDB server that cannot start a thread for a new connection, for real: its thread cache emptied and its
// process limit (RLIMIT_NPROC, which counts the threads of its OS user) lowered to 1, as a too-low LimitNPROC or
// TasksMax does to a busy server. Every new login then gets 1135 ER_CANT_CREATE_THREAD (server-resources); the
// sessions already open keep working. Only the soft limit is lowered, so release() can raise it again.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { labEnv } from '../secrets/credential-env.js';
import { adminSql } from './admin-sql.js';
import { findTool } from './binaries.js';
import { LabError } from './lab-error.js';
import { labServerInfo } from './lab-server.js';
import { serverUser, wrapCommand } from './run-as.js';
import type { LabServer } from './types.js';

export interface ThreadLimit {
  /** Gives the server its process limit back: logins work again. Idempotent. */
  release(): Promise<void>;
}

export async function capThreads(server: LabServer): Promise<ThreadLimit> {
  if (server.engine !== 'mariadb') throw new LabError('capThreads is for MariaDB');
  const pid = labServerInfo(server)?.pid;
  if (!pid) throw new LabError('capThreads needs a lab server');
  // A cached thread would serve the next connection without creating one.
  await adminSql(server, ['SET GLOBAL thread_cache_size = 0']);
  const soft = /^Max processes\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1] ?? 'unlimited';
  setSoftLimit(pid, '1');
  let released = false;
  return { release: async () => { if (!released) { released = true; setSoftLimit(pid, soft); } } };
}

/** prlimit on another process needs its user's ids (or CAP_SYS_RESOURCE, which a container's root may lack). */
function setSoftLimit(pid: number, value: string): void {
  const prlimit = findTool('prlimit');
  if (!prlimit) throw new LabError('prlimit is not installed: apt-get install -y util-linux');
  const [cmd, args] = wrapCommand(prlimit, ['--pid', String(pid), `--nproc=${value}:`], serverUser('mariadb'));
  execFileSync(cmd, args, { stdio: 'pipe', env: labEnv() });
}
