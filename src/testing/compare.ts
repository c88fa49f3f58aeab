// A case's verdict: the path and outcome it expected against what the run did, worded so the first
// difference is plain to see.
import type { CaseDoc } from './cases-schema.js';
import type { CaseRun } from './run-case.js';

export interface Verdict { pass: boolean; lines: string[] }

export function judge(c: CaseDoc, run: CaseRun): Verdict {
  const lines: string[] = [];
  const samePath = c.path.length === run.path.length && c.path.every((id, i) => id === run.path[i]);
  if (!samePath) {
    const at = firstDifference(c.path, run.path);
    lines.push(`expected path: ${c.path.join(' → ')}`);
    lines.push(`actual path:   ${run.path.join(' → ')}`);
    lines.push(at < c.path.length && at < run.path.length
      ? `first difference at step ${at + 1}: expected '${c.path[at]}', the run went to '${run.path[at]}'`
      : at < c.path.length ? `the run stopped before '${c.path[at]}'` : `the run went on to '${run.path[at]}'`);
  }
  if (c.outcome !== run.outcome) lines.push(`expected outcome ${c.outcome}, the run ended ${run.outcome}`);
  if (c.message !== undefined && !run.message.includes(c.message)) lines.push(`expected the final message to contain ${JSON.stringify(c.message)}`);
  const pass = lines.length === 0;
  if (!pass) {
    if (run.message) lines.push(`final message: ${run.message}`);
    for (const p of run.problems) lines.push(`hint: ${p}`);
    // A called runbook's steps (`call/step`) are not on the caller's path, but ran all the same.
    const unscripted = run.defaulted.filter((id) => run.path.includes(id) || id.includes('/'));
    if (unscripted.length) {
      lines.push(`hint: no result scripted for ${unscripted.join(', ')}, so ${unscripted.length === 1 ? 'it' : 'they'} succeeded with empty output`);
    }
  }
  return { pass, lines };
}

function firstDifference(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
