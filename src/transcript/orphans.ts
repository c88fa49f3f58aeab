// Children never outlive the engine unnoticed. A step's process group normally dies with the engine (see
// executors/supervise.ts), but a resume does not take that on trust: it looks for every process of the
// groups the transcript says were running when it stops, and refuses (naming them) while any is alive.
import { readdirSync } from 'node:fs';
import { procStat, readBootId } from '../executors/supervise.js';
import type { Transcript } from './reader.js';
import type { TranscriptLine } from '../events/schema.js';

type ProcessLine = Extract<TranscriptLine, { type: 'step-process' }>;

export interface Orphan { stepId: string; pgid: number; pids: { pid: number; comm: string }[] }

/** Step process groups that were running when the transcript stops and still have a live process here. */
export function liveOrphans(t: Transcript): Orphan[] {
  const boot = readBootId();
  const out: Orphan[] = [];
  for (const line of processesInFlight(t)) {
    if (line.bootId && boot && line.bootId !== boot) continue; // rebooted since (another machine is the host check's)
    const pids = members(line);
    if (pids.length) out.push({ stepId: line.stepId, pgid: line.pgid, pids });
  }
  return out;
}

/** One line naming them, and what the operator can do. */
export function describeOrphans(orphans: Orphan[]): string {
  const groups = orphans.map((o) => `step '${o.stepId}': process group ${o.pgid} (${o.pids.slice(0, 8).map((p) => `${p.pid} ${p.comm}`).join(', ')}${o.pids.length > 8 ? `, … ${o.pids.length} in all` : ''})`);
  return groups.join('; ');
}

/** step-process lines with no step-finished of the same step after them. */
export function processesInFlight(t: Transcript): ProcessLine[] {
  const open = new Map<string, ProcessLine[]>();
  for (const line of t.lines) {
    if (line.type === 'step-process') open.set(line.stepId, [...(open.get(line.stepId) ?? []), line]);
    else if (line.type === 'step-finished') open.delete(line.stepId);
  }
  return [...open.values()].flat();
}

/** Live processes of the group: same group id, started no earlier than its leader (a later group reusing the
 *  id after a pid wrap started later still, so this errs on the side of refusing). */
function members(line: ProcessLine): { pid: number; comm: string }[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return groupAlive(line.pgid) ? [{ pid: line.pgid, comm: '?' }] : []; // no /proc: ask the kernel about the group
  }
  const found: { pid: number; comm: string }[] = [];
  for (const pid of pids) {
    const st = procStat(pid);
    if (!st || st.pgid !== line.pgid || st.state === 'Z') continue; // a zombie runs nothing (and may never be reaped)
    if (line.startTicks !== undefined && st.startTicks < line.startTicks) continue;
    found.push({ pid: st.pid, comm: st.comm });
  }
  return found;
}

function groupAlive(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
