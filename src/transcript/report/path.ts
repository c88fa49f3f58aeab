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

type Branch = PathTaken['branches'][number];

/** The path's shape, all the drawing needs: the steps entered and the branches taken, each once, first seen first. */
export interface PathShape { nodes: string[]; edges: Branch[]; endedAt?: string }

const FIRST = Symbol('the first step');
const edgeKey = (b: Branch): string => `${b.from}->${nodeId(b.to)}`;

/** The steps the run entered, in order (repeats for loops): the first step at each start (not a resume's), then
 *  every branch's target. A called runbook's branches are its own. */
export function* pathSteps(lines: Iterable<TranscriptLine>, firstStep: string | undefined): Generator<string> {
  for (const line of lines) {
    if (line.type === 'run-started' && !line.resumedFrom && firstStep) yield firstStep;
    if (line.type === 'branch' && !isNested(line.from)) yield line.to;
  }
}

type BranchLine = Extract<TranscriptLine, { type: 'branch' }>;
const branchOf = (line: BranchLine): Branch =>
  ({ from: line.from, to: line.to, via: line.via, ...(line.expression !== undefined ? { expression: line.expression, value: line.value } : {}) });

/** Every branch the run took, in order. */
export function* pathBranches(lines: Iterable<TranscriptLine>): Generator<Branch> {
  for (const line of lines) if (line.type === 'branch' && !isNested(line.from)) yield branchOf(line);
}

/** The path's shape, one line at a time; the first step is known only at the end (from the runbook, or the
 *  first step the transcript names), so its place is held until then. */
export class PathFold {
  private readonly nodes = new Set<string | typeof FIRST>();
  private readonly edges = new Map<string, Branch>();
  private endedAt: string | undefined;

  take(line: TranscriptLine): void {
    if (line.type === 'run-started' && !line.resumedFrom) this.nodes.add(FIRST);
    if (line.type === 'branch' && !isNested(line.from)) {
      const b = branchOf(line);
      this.nodes.add(nodeId(line.to));
      if (!this.edges.has(edgeKey(b))) this.edges.set(edgeKey(b), b);
    }
    if (line.type === 'run-finished' && line.stepId) this.endedAt = line.stepId;
  }

  shape(firstStep: string | undefined): PathShape {
    const nodes = new Set<string>();
    for (const n of this.nodes) if (n !== FIRST) nodes.add(n); else if (firstStep) nodes.add(firstStep);
    return { nodes: [...nodes], edges: [...this.edges.values()], ...(this.endedAt ? { endedAt: this.endedAt } : {}) };
  }
}

export function pathMermaid(path: PathShape, doc: RunbookDoc | undefined, titles: ReadonlyMap<string, string>): string {
  const nodes = new Set(path.nodes);
  const edges = new Set(path.edges.map(edgeKey));
  const graph = doc ? withRunTitles(machineGraph(compileRunbook(doc), doc), titles) : pathAlone(path, titles);
  return toMermaid(graph, { nodes, edges });
}

/** The runbook's graph with each step's title as the run rendered it (masked); a step it never started keeps its
 *  written title with each `${{ … }}` shown as `…`, never the raw template (#49). */
function withRunTitles(graph: MachineGraph, titles: ReadonlyMap<string, string>): MachineGraph {
  return { ...graph, nodes: graph.nodes.map((n) => ({ ...n, label: titles.get(n.id) ?? n.label.replace(/\$\{\{[\s\S]*?\}\}/g, '…') })) };
}

function pathAlone(path: PathShape, titles: ReadonlyMap<string, string>): MachineGraph {
  const label = (id: string) => (id === FINISHED ? 'end of steps (resolved)' : id.startsWith('__') ? id.slice(2) : titles.get(id) ?? id);
  return {
    nodes: path.nodes.map((id) => ({ id, label: label(id), kind: 'step', destructive: false, final: id.startsWith('__') || id === path.endedAt })),
    edges: path.edges.map((b) => {
      const text = b.via === 'on' ? 'on' : b.expression;
      return { from: b.from, to: nodeId(b.to), ...(text ? { label: text } : {}), ...(b.via === 'failure' ? { failure: true } : {}) };
    }),
  };
}
