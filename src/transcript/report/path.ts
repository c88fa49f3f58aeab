// The path the run took, drawn as a Mermaid flowchart: the whole compiled machine with the taken path
// highlighted when the runbook is still the one that ran, else the taken path alone.
import { compileRunbook } from '../../engine/compile.js';
import { machineGraph, type MachineGraph } from '../../engine/graph.js';
import { toMermaid } from '../../engine/graph-format.js';
import { FINISHED } from '../../engine/machine-types.js';
import { FALL_OFF } from '../../language/flow.js';
import type { RunbookDoc } from '../../language/schema.js';
import type { TranscriptLine } from '../../events/schema.js';
import type { PathTaken } from './model.js';
import { isNested } from '../nested.js';

/** Branch targets as the graph names them: falling off the last step is the `finished` state. */
const nodeId = (to: string) => (to === FALL_OFF ? FINISHED : to);

export function pathOf(lines: TranscriptLine[], firstStep: string | undefined): PathTaken {
  const path: PathTaken = { steps: [], branches: [] };
  for (const line of lines) {
    if (line.type === 'run-started' && !line.resumedFrom && firstStep) path.steps.push(firstStep);
    if (line.type === 'branch' && !isNested(line.from)) {   // a called runbook's branches are its own
      path.branches.push({ from: line.from, to: line.to, via: line.via, ...(line.expression !== undefined ? { expression: line.expression, value: line.value } : {}) });
      path.steps.push(line.to);
    }
    if (line.type === 'run-finished' && line.stepId) path.endedAt = line.stepId;
  }
  return path;
}

export function pathMermaid(path: PathTaken, doc: RunbookDoc | undefined, titles: Map<string, string>): string {
  const nodes = new Set(path.steps.map(nodeId));
  const edges = new Set(path.branches.map((b) => `${b.from}->${nodeId(b.to)}`));
  const graph = doc ? withRunTitles(machineGraph(compileRunbook(doc), doc), titles) : pathAlone(path, titles);
  return toMermaid(graph, { nodes, edges });
}

/** The runbook's graph with each step's title as the run rendered it (masked); a step it never started keeps its
 *  written title with each `${{ … }}` shown as `…`, never the raw template (#49). */
function withRunTitles(graph: MachineGraph, titles: Map<string, string>): MachineGraph {
  return { ...graph, nodes: graph.nodes.map((n) => ({ ...n, label: titles.get(n.id) ?? n.label.replace(/\$\{\{[\s\S]*?\}\}/g, '…') })) };
}

function pathAlone(path: PathTaken, titles: Map<string, string>): MachineGraph {
  const ids = [...new Set(path.steps.map(nodeId))];
  const label = (id: string) => (id === FINISHED ? 'end of steps (resolved)' : id.startsWith('__') ? id.slice(2) : titles.get(id) ?? id);
  const seen = new Set<string>();
  return {
    nodes: ids.map((id) => ({ id, label: label(id), kind: 'step', destructive: false, final: id.startsWith('__') || id === path.endedAt })),
    edges: path.branches.flatMap((b) => {
      const key = `${b.from}->${nodeId(b.to)}`;
      if (seen.has(key)) return [];
      seen.add(key);
      const text = b.via === 'on' ? 'on' : b.expression;
      return [{ from: b.from, to: nodeId(b.to), ...(text ? { label: text } : {}), ...(b.via === 'failure' ? { failure: true } : {}) }];
    }),
  };
}
