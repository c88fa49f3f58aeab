// The shape of a compiled machine, read back from xstate's state nodes: what `runbook graph` and the
// postmortem report draw. Reading the machine (not the YAML) shows what will really run.
import type { RunbookDoc } from '../language/schema.js';
import { stepById, stepKind } from '../language/flow.js';
import { endingOf, type RunbookMachine } from './compile.js';
import { ABORTED, FAILED, FINISHED, PHASE } from './machine-types.js';

export interface GraphNode { id: string; label: string; kind: string; destructive: boolean; final: boolean; outcome?: string }
export interface GraphEdge { from: string; to: string; label?: string; failure?: boolean }
export interface MachineGraph { nodes: GraphNode[]; edges: GraphEdge[] }

export function machineGraph(machine: RunbookMachine, doc: RunbookDoc): MachineGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const [id, node] of Object.entries(machine.root.states)) {
    const step = stepById(doc, id);
    // An end step with `if` (compile.ts guardedEnd): it ends the run when `if` holds, else goes on.
    const guardedEnd = step?.end !== undefined && step.if !== undefined;
    nodes.push({
      id, label: step?.title ?? special(id), kind: step ? stepKind(step) ?? '?' : 'outcome',
      // A vouched step has a gate too, for a resume that finds it in flight: destructive is the runbook's word.
      destructive: step?.destructive === true, final: node.type === 'final' || guardedEnd,
      ...(step?.end ? { outcome: step.end } : id === FAILED ? { outcome: 'failed' } : id === ABORTED ? { outcome: 'aborted' } : id === FINISHED ? { outcome: 'resolved' } : {}),
    });
    for (const t of (guardedEnd ? node.always : node.states[PHASE.route]?.always) ?? []) {
      const guard = t.guard as { type?: string; params?: { key?: string; expression?: string } } | undefined;
      for (const target of t.target ?? []) {
        if (target.id === endingOf(id)) continue; // the ending itself: the node is drawn as an end
        // A refusal to route on a secret's value (compile.ts secretValueGuard) fails the step: its failure edge says it.
        if (guard?.type === 'secretValueRoute') continue;
        const label = guard?.type === 'onMatches' ? `on ${guard.params?.key}` : guard?.type === 'branch' ? guard.params?.expression
          : guard?.type === 'conditionFalse' ? `not (${step!.if})` : undefined;
        const failure = guard?.type === 'failed' || guard?.type === 'broken';
        // A step has two ways to fail (its result, a condition that cannot be evaluated): one edge says both.
        if (failure && edges.some((e) => e.from === id && e.failure)) continue;
        edges.push({ from: id, to: target.id, ...(label ? { label } : {}), ...(failure ? { failure: true } : {}) });
      }
    }
  }
  const used = new Set(edges.map((e) => e.to));
  return { nodes: nodes.filter((n) => !n.id.startsWith('__') || used.has(n.id)), edges };
}

function special(id: string): string {
  return id === FAILED ? 'failed' : id === ABORTED ? 'aborted' : id === FINISHED ? 'end of steps (resolved)' : id;
}
