// The run's SSH control directory (0700: only this user may use its sockets): one control socket per target
// and, beside it, the known_hosts file that pins the target to the host key it was identified by.
//
// The master connections live in the background (ControlPersist) for as long as the run, and must not outlive
// it however it ends. A normal end closes them (close()). For the engine's death (kill -9, OOM) a keeper
// process holds a pipe whose other end only the engine holds: the engine tells it each master's pid, and when
// the pipe reads EOF the keeper ends those masters (each checked to still be ours by its command line) and
// removes the directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';

const KEEPER = [
  'dir=$1; pids=',
  'while read -r -u 3 pid; do pids="$pids $pid"; done',
  'for pid in $pids; do grep -qsF -- "$dir" "/proc/$pid/cmdline" && kill -TERM "$pid"; done',
  'rm -rf -- "$dir"',
].join('\n');

export class SshControl {
  private dir?: string;
  private keeper?: ChildProcess;
  private readonly masters = new Set<number>();

  directory(): string {
    if (this.dir) return this.dir;
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ssh-'));
    this.dir = dir;
    // Its own process group: Ctrl-C at the terminal is the engine's to handle, not the keeper's.
    const keeper = spawn('bash', ['-c', KEEPER, 'runbook-ssh-keeper', dir], {
      detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    keeper.on('error', () => undefined); // no bash here: close() still cleans up a normal end
    const pipe = keeper.stdio[3] as Socket | null;
    pipe?.on('error', () => undefined);
    pipe?.unref();
    keeper.unref(); // neither keeps the engine alive
    this.keeper = keeper;
    return dir;
  }

  /** The control socket and the pinned known_hosts file of the target numbered `n` in this run. */
  socket(n: number): string { return join(this.directory(), `s${n}`); }
  pinFile(n: number): string { return join(this.directory(), `known_hosts.${n}`); }

  /** A master connection now runs as `pid`: ended with the run, or by the keeper when the engine dies. */
  adopt(pid: number): void {
    this.masters.add(pid);
    (this.keeper?.stdio[3] as Socket | null)?.write(`${pid}\n`);
  }

  close(): void {
    const dir = this.dir;
    if (!dir) return;
    for (const pid of this.masters) {
      if (ours(pid, dir)) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
    }
    this.masters.clear();
    rmSync(dir, { recursive: true, force: true });
    (this.keeper?.stdio[3] as Socket | null)?.end(); // the keeper finds nothing left to do
    this.keeper = undefined;
    this.dir = undefined;
  }
}

/** Still a master of this run, not a later process that reused the pid. */
function ours(pid: number, dir: string): boolean {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(dir); } catch { return false; }
}
