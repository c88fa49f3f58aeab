// Which runbook files a run may load below its own: the runbooks its `runbook:` steps call, at every depth,
// resolved as call-runbook.ts resolves them (cases are not runbooks and are not followed). Recorded in the
// transcript header at run start; a resume compares them with what it would load now (resume/callees.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveCalled } from './called-runbooks.js';
import { readRunbook, type Runbook } from '../language/runbook.js';

/** A runbook file a `runbook:` step calls (at any depth), and the calling steps (`call`, `outer/inner`). */
export interface CalledFile { file: string; sha256: string; calledBy: string[] }

/** Calls nest at most 5 deep at run time (call-runbook.ts); one more level says nothing new. */
const MAX_DEPTH = 6;

export function calledFiles(runbook: Runbook): CalledFile[] {
  const out = new Map<string, CalledFile>();
  const walk = (rb: Runbook, prefix: string, depth: number, chain: Set<string>) => {
    if (depth >= MAX_DEPTH) return;
    for (const step of rb.doc.steps) {
      const file = step.runbook ? resolveCalled(step.runbook.name, rb.file) : undefined;
      if (!file) continue;
      const at = `${prefix}${step.id}`;
      const { runbook: called } = readRunbook(file);
      const entry = out.get(file) ?? { file: resolve(file), sha256: called?.sha256 ?? shaOf(file) ?? '', calledBy: [] };
      if (!entry.calledBy.includes(at)) entry.calledBy.push(at);
      out.set(file, entry);
      if (called && !chain.has(file)) walk(called, `${at}/`, depth + 1, new Set([...chain, file]));
    }
  };
  walk(runbook, '', 0, new Set([runbook.file]));
  return [...out.values()];
}

/** How a resumed run names one call: the calling runbook's file and the calling step's id (a step path such as
 *  `outer/inner` is this at each depth). */
export const calleeKey = (callerFile: string, stepId: string): string => `${resolve(callerFile)}\0${stepId}`;

/** The sha256 of a file that is no valid runbook (its text as read); undefined when it cannot be read. */
export function shaOf(file: string): string | undefined {
  try { return createHash('sha256').update(readFileSync(file, 'utf8')).digest('hex'); } catch { return undefined; }
}
