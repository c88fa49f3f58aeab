// Signalling a step's whole process tree: its group (the supervisor leads it) and every descendant, also those
// that left the group (setsid, a double fork that kept its parent chain until now). Read from /proc, in this
// process: zx's own kill ran `ps` and parsed its output in a child-process callback, where a parse failure
// (empty output on a loaded machine whose terminal had just gone) was an uncaught exception that crashed the
// engine before it could record the interruption.
import { readdirSync } from 'node:fs';
import { procStat } from './supervise.js';

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

/** Sends `signal` to the group `pid` leads and to every descendant of `pid`. Never throws: a process that is
 *  already gone is what we wanted. The descendants are listed first, before the signal can reparent them. */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  const tree = descendantsOf(pid);
  for (const target of [-pid, pid, ...tree]) {
    try { process.kill(target, signal); } catch { /* gone */ }
  }
}

/** The live (not zombie) processes of the process group `pgid`, read from /proc. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return []; }
  return entries.flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    const stat = procStat(name);
    return stat && stat.pgid === pgid && stat.state !== 'Z' ? [stat.pid] : [];
  });
}
