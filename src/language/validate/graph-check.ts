// Where the run can go: targets exist, every step is reachable, every path can end, loops have a way out.
import type { RunbookDoc } from '../schema.js';
import { edgesOf, FALL_OFF, stepKind, type Edge } from '../flow.js';
import { didYouMean } from '../suggest.js';
import type { Reporter } from './context.js';

export const DEFAULT_MAX_VISITS = 25;

export function checkGraph(doc: RunbookDoc, report: Reporter): void {
  const ids = new Map(doc.steps.map((s, i) => [s.id, i]));
  const edges = doc.steps.map((_, i) => edgesOf(doc, i));
  const unknown = edges.flat().filter((e) => e.to !== FALL_OFF && !ids.has(e.to));
  for (const e of unknown) report.error('unknown-step', e.path, `unknown step '${e.to}'${didYouMean(e.to, ids.keys())}`);
  // A gate's evidence names earlier steps: a typo would silently show nothing beside the question.
  doc.steps.forEach((s, i) => s.evidence?.forEach((id, j) => {
    if (!ids.has(id)) report.error('unknown-step', `/steps/${i}/evidence/${j}`, `unknown step '${id}' in evidence${didYouMean(id, ids.keys())}`);
  }));
  const next = (i: number) => edges[i]?.map((e) => ids.get(e.to)).filter((j): j is number => j !== undefined) ?? [];
  const reachable = reach([0], next);
  doc.steps.forEach((s, i) => {
    if (!reachable.has(i)) report.warn('unreachable', `/steps/${i}/id`, `step '${s.id}' can never run: no step leads to it`);
  });
  if (unknown.length === 0) checkEnds(doc, edges, ids, reachable, report); // a broken edge would make every path look endless
  checkLoops(doc, next, reachable, report);
  checkFallOff(doc, edges, reachable, report);
}

/** Running past the last step ends the run 'resolved' with no message: on any path that gets there (a skipped
 *  gate, a branch that was not taken), not only in a file without end steps. */
function checkFallOff(doc: RunbookDoc, edges: Edge[][], reachable: Set<number>, report: Reporter): void {
  const last = doc.steps.length - 1;
  const off = (edges[last] ?? []).find((e) => e.to === FALL_OFF);
  if (!off || !reachable.has(last)) return;
  const step = doc.steps[last]!;
  const hasEnd = doc.steps.some((s) => stepKind(s) === 'end');
  report.warn('no-end', `/steps/${last}`, hasEnd
    ? `after step '${step.id}' (the last) the run ends 'resolved' without an end step, whatever happened on the way there; give it next: <an end step>, or add an end step after it saying what was found`
    : `the run can finish without an 'end' step; add 'end: resolved' or 'end: escalate' with a message saying what was found`);
}

function checkEnds(doc: RunbookDoc, edges: Edge[][], ids: Map<string, number>, reachable: Set<number>, report: Reporter): void {
  const terminal = (i: number) => stepKind(doc.steps[i]!) === 'end' || (edges[i] ?? []).some((e) => e.to === FALL_OFF);
  const back = new Map<number, number[]>();
  edges.forEach((es, i) => es.forEach((e) => {
    const j = ids.get(e.to);
    if (j !== undefined) back.set(j, [...(back.get(j) ?? []), i]);
  }));
  const canEnd = reach(doc.steps.map((_, i) => i).filter(terminal), (j) => back.get(j) ?? []);
  for (const i of reachable) {
    if (!canEnd.has(i)) {
      report.error('no-way-out', `/steps/${i}/id`, `from step '${doc.steps[i]!.id}' no path reaches an end: the run would loop forever`);
      return; // one is enough: the rest of the cycle says the same
    }
  }
}

function checkLoops(doc: RunbookDoc, next: (i: number) => number[], reachable: Set<number>, report: Reporter): void {
  for (const scc of cycles(doc.steps.length, next)) {
    if (!scc.some((i) => reachable.has(i))) continue;
    const bounded = scc.some((i) => doc.steps[i]?.max_visits !== undefined);
    if (bounded) continue;
    const ids = scc.map((i) => doc.steps[i]!.id);
    const names = ids.length > 8 ? `${ids.slice(0, 8).join(' → ')} → … (${ids.length} steps)` : ids.join(' → ');
    report.warn('unbounded-loop', `/steps/${Math.min(...scc)}/id`,
      `loop ${names} has no explicit bound; each step stops the run after ${DEFAULT_MAX_VISITS} visits (set max_visits on one of them)`);
  }
}

function reach(start: number[], next: (i: number) => number[]): Set<number> {
  const seen = new Set<number>(start);
  const todo = [...start];
  while (todo.length) for (const j of next(todo.pop()!)) if (!seen.has(j)) { seen.add(j); todo.push(j); }
  return seen;
}

/** Strongly connected components that form a loop (Tarjan's algorithm, iterative so that long runbooks
 *  cannot overflow the call stack). */
function cycles(n: number, next: (i: number) => number[]): number[][] {
  const index = new Array<number>(n).fill(-1), low = new Array<number>(n).fill(0), onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: { v: number; succ: number[]; i: number }[] = [];
    const enter = (v: number) => {
      index[v] = low[v] = counter++;
      stack.push(v); onStack[v] = true;
      work.push({ v, succ: next(v), i: 0 });
    };
    enter(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const w = frame.succ[frame.i++];
      if (w !== undefined) {
        if (index[w] === -1) enter(w);
        else if (onStack[w]) low[frame.v] = Math.min(low[frame.v]!, index[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.v] = Math.min(low[parent.v]!, low[frame.v]!);
      if (low[frame.v] !== index[frame.v]) continue;
      const scc: number[] = [];
      let x: number;
      do { x = stack.pop()!; onStack[x] = false; scc.push(x); } while (x !== frame.v);
      if (scc.length > 1 || frame.succ.includes(frame.v)) out.push(scc.sort((a, b) => a - b));
    }
  }
  return out;
}
