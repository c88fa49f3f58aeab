import { loadRunbook } from '../../catalog/load-runbook.js';
import { compileRunbook } from '../../engine/compile.js';
import { machineGraph } from '../../engine/graph.js';
import { toDot, toMermaid } from '../../engine/graph-format.js';
import { say } from '../say.js';

export async function graphCommand(ref: string, opts: { format: 'mermaid' | 'dot' }): Promise<number> {
  const { runbook } = loadRunbook(ref);
  const graph = machineGraph(compileRunbook(runbook.doc), runbook.doc);
  say(`${opts.format === 'dot' ? toDot(graph) : toMermaid(graph)}\n`);
  return 0;
}
