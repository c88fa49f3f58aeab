// Mermaid (paste into GitHub) and Graphviz dot renderings of a machine graph.
import type { MachineGraph } from './graph.js';
import { mermaidId, mermaidText } from './mermaid-text.js';

export function toMermaid(g: MachineGraph, highlight: { nodes?: Set<string>; edges?: Set<string> } = {}): string {
  const lines = ['flowchart TD'];
  for (const n of g.nodes) {
    const text = mermaidText(`${n.id}${n.label !== n.id ? `: ${n.label}` : ''}`);
    const shape = n.final ? `(["${text}"])` : n.destructive ? `{{"⚠ ${text}"}}` : `["${text}"]`;
    lines.push(`  ${mermaidId(n.id)}${shape}`);
  }
  g.edges.forEach((e, i) => {
    const arrow = e.failure ? '-.->' : '-->';
    lines.push(`  ${mermaidId(e.from)} ${arrow}${e.label ? `|"${mermaidText(e.label)}"|` : ''} ${mermaidId(e.to)}`);
    if (highlight.edges?.has(`${e.from}->${e.to}`)) lines.push(`  linkStyle ${i} stroke:#d33,stroke-width:3px`);
  });
  const destructive = g.nodes.filter((n) => n.destructive).map((n) => mermaidId(n.id));
  if (destructive.length) lines.push(`  classDef destructive fill:#fde2e1,stroke:#c00`, `  class ${destructive.join(',')} destructive`);
  const taken = [...(highlight.nodes ?? [])].map(mermaidId);
  if (taken.length) lines.push(`  classDef taken stroke:#d33,stroke-width:3px`, `  class ${taken.join(',')} taken`);
  return lines.join('\n');
}

// A line break in a title is dot's own `\n` (drawn as a break in the picture), never one in the text: the dot
// source is a row per statement, and a title's break drew statements of its own on the terminal (stop 74).
const dotText = (t: string) => t.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n');

export function toDot(g: MachineGraph): string {
  const lines = ['digraph runbook {', '  rankdir=TB;', '  node [shape=box, fontname="Helvetica"];'];
  for (const n of g.nodes) {
    const attrs = [`label="${dotText(n.id)}${n.label !== n.id ? `\\n${dotText(n.label)}` : ''}"`];
    if (n.final) attrs.push('shape=doubleoctagon');
    if (n.destructive) attrs.push('style=filled', 'fillcolor="#fde2e1"', 'color="#cc0000"');
    lines.push(`  "${dotText(n.id)}" [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) {
    const attrs = [e.label ? `label="${dotText(e.label)}"` : '', e.failure ? 'style=dashed' : ''].filter(Boolean);
    lines.push(`  "${dotText(e.from)}" -> "${dotText(e.to)}"${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n');
}
