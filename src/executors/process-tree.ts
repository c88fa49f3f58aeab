// Signalling a step's whole process tree: its group (the supervisor leads it) and every descendant, also those
// that left the group (setsid, a double fork that kept its parent chain until now). Read from /proc, in this
// process: zx's own kill ran `ps` and parsed its output in a child-process callback, where a parse failure
// (empty output on a loaded machine whose terminal had just gone) was an uncaught exception that crashed the
// engine before it could record the interruption.
import { readdirSync } from 'node:fs';
import { procStat, type ProcStat } from './supervise.js';

/** Every live descendant of `pid` (children first, then theirs), read once from /proc; [] where there is none. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return []; }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(name);
    if (!stat) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(stat.pid); else children.set(stat.ppid, [stat.pid]);
  }
  const out: number[] = [];
  for (let i = 0, queue = [pid]; i < queue.length; i++) {
    for (const child of children.get(queue[i]!) ?? []) { out.push(child); queue.push(child); }
  }
  return out;
}

/** Sends `signal` to the group `pid` leads, to every descendant of `pid` and to every process of the session
 *  `pid` leads (a step is spawned detached: setsid). Never throws: a process that is already gone is what we
 *  wanted. The descendants are listed first, before the signal can reparent them. */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  const tree = descendantsOf(pid);
  for (const target of [-pid, pid, ...tree, ...sessionMembers(pid)]) {
    try { process.kill(target, signal); } catch { /* gone */ }
  }
}

/** The live (not zombie) processes of the session `sid`. A process that left the step's group (setpgid: an inner
 *  `timeout` puts itself in a group of its own) and was orphaned (the outer `timeout -s KILL` killed its parent)
 *  is neither in the group nor a descendant any more, but still in the session. */
export function sessionMembers(sid: number): number[] {
  return liveWhere((stat) => stat.sid === sid);
}

/** SIGKILLs every live process of the session `sid` (and its group), again until none is left: one may fork
 *  between the listing and its kill. Whether any was found. */
export function endSession(sid: number): boolean {
  let found = false;
  for (let round = 0; round < 20; round++) {
    const members = sessionMembers(sid);
    if (!members.length) break;
    found = true;
    for (const target of [-sid, ...members]) {
      try { process.kill(target, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  return found;
}

/** The live (not zombie) processes of the process group `pgid`, read from /proc. */
export function groupMembers(pgid: number): number[] {
  return liveWhere((stat) => stat.pgid === pgid);
}

/** The live (not zombie) processes, read from /proc, whose stat `member` takes. */
function liveWhere(member: (stat: ProcStat) => boolean): number[] {
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return []; }
  return entries.flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    const stat = procStat(name);
    return stat && member(stat) && stat.state !== 'Z' ? [stat.pid] : [];
  });
}
