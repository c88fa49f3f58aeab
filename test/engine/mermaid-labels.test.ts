// The Mermaid source of `runbook graph` and the report's "Path taken" (src/engine/mermaid-text.ts): a title
// templated from a capture carried `%%{init: {'themeCSS': …}}%%` into a quoted label, and Mermaid's preprocessor
// read it as the diagram's config (CSS hid the destructive step that ran); step ids restart_app and restart-app
// were one node, so one of them vanished (probe p58, stop 72). Generated ids and titles, read back as Mermaid
// reads them: its own directive and entity regexes (mermaid's src/preprocess and utils).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toMermaid } from '../../src/engine/graph-format.js';
import type { GraphEdge, GraphNode, MachineGraph } from '../../src/engine/graph.js';
import { terminalText } from '../../src/common/terminal-text.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { pathMermaid } from '../../src/transcript/report/path.js';
import { rng } from '../helpers/rng.js';

// Mermaid's, byte for byte: the directive its preprocessor applies, the entity step, the style step that eats a `;`.
const DIRECTIVE = /%{2}{\s*(?:(\w+)\s*:|(\w+))\s*(?:(\w+)|((?:(?!}%{2}).|\r?\n)*))?\s*(?:}%{2})?/gi;
const ENTITY = /#\w+;/g;
const STYLE_EATS = [/style.*:\S*#.*;/, /classDef.*:\S*#.*;/];
const KEYWORDS = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'class', 'classdef', 'click', 'linkstyle', 'direction', 'default']);

const ID_PARTS = ['restart', 'app', 'end', 'graph', 'subgraph', 'style', 'class', 'click', 'a', 'h', 'u41'];
const TITLE_PARTS = [
  "%%{init: {'themeCSS': '[id*=kill] {display:none}'}}%%", '%%{', '%%', '#37;', '#35;', '#quot;', '#lt;', '`**md**`',
  '"', "'", ':::danger', '\n', '\n%% comment', '$$\\phantom{x}$$', '<b>x</b>', '&lt;', '|', ';', 'style x:#f00;',
  '\u001b]52;c;eA==\u0007', '\u009b2J', '\u202e', 'ﬂ°°60¶ß', 'é', '⚠', '😀', 'Restart the app', ' ', '${{ look.stdout }}',
];

function pick<T>(r: () => number, from: readonly T[]): T { return from[Math.floor(r() * from.length)]!; }

function stepId(r: () => number): string {
  const parts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, ID_PARTS));
  return parts.reduce((id, p) => `${id}${pick(r, ['-', '_', '', '__', '-_'])}${p}`);
}

function title(r: () => number): string {
  return Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(r, TITLE_PARTS)).join(pick(r, ['', ' ']));
}

/** A graph of generated steps: every `-`/`_` twin of an id is there too, and the engine's own `__failed`. */
function generated(seed: number): MachineGraph {
  const r = rng(seed);
  const ids = new Set<string>(['restart_app', 'restart-app', '__failed', 'end', 'a_h', 'a-', 'a_u41_', 'A']);
  while (ids.size < 40) {
    const id = stepId(r);
    ids.add(id).add(id.replace(/-/g, '_')).add(id.replace(/_/g, '-'));
  }
  const nodes: GraphNode[] = [...ids].map((id) => ({ id, label: title(r), kind: 'step', destructive: r() < 0.3, final: r() < 0.2 }));
  const edges: GraphEdge[] = Array.from({ length: 60 }, () => ({
    from: pick(r, nodes).id, to: pick(r, nodes).id, ...(r() < 0.5 ? { label: title(r) } : {}), ...(r() < 0.3 ? { failure: true } : {}),
  }));
  return { nodes, edges };
}

const NODE = /^ {2}(\S+?)(?:\["|\(\["|\{\{"⚠ )(.*)(?:"\]|"\]\)|"\}\})$/;
const EDGE = /^ {2}(\S+) (?:-->|-\.->)(?:\|"(.*)"\|)? (\S+)$/;
const decode = (label: string) => label.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));

/** Every label as Mermaid's preprocessor meets it: no directive, no comment, no entity but the engine's, no
 *  Markdown or KaTeX start, one line; decoded, exactly the text the engine meant to show. */
function assertLabel(label: string, meant: string, where: string): void {
  assert.ok(!label.includes('%%') && !label.includes('`') && !label.includes('$$') && !label.includes('"'), `${where}: ${label}`);
  assert.equal([...label.matchAll(DIRECTIVE)].length, 0, `${where}: a directive in ${label}`);
  for (const [entity] of label.matchAll(ENTITY)) assert.match(entity, /^#\d+;$/, `${where}: ${entity} is not one the engine wrote`);
  assert.equal(label.replace(ENTITY, '').includes('#'), false, `${where}: a raw # in ${label}`);
  assert.equal(decode(label), terminalText(meant), `${where}: the label reads back as the text`);
}

function assertDrawn(g: MachineGraph, source: string): void {
  const lines = source.split('\n');
  assert.equal(lines[0], 'flowchart TD');
  for (const line of lines) for (const eats of STYLE_EATS) assert.doesNotMatch(line, eats, 'Mermaid would drop its last ;');
  const nodeLines = lines.slice(1, 1 + g.nodes.length).map((l) => NODE.exec(l));
  const idOf = new Map<string, string>();
  g.nodes.forEach((n, i) => {
    const m = nodeLines[i];
    assert.ok(m, `node ${JSON.stringify(n.id)} is one line: ${lines[1 + i]}`);
    assert.match(m[1]!, /^[A-Za-z0-9_]+$/);
    assert.ok(!KEYWORDS.has(m[1]!.toLowerCase()), `${m[1]} is Mermaid syntax`);
    assertLabel(m[2]!, `${n.id}${n.label !== n.id ? `: ${n.label}` : ''}`, `node ${JSON.stringify(n.id)}`);
    idOf.set(n.id, m[1]!);
  });
  assert.equal(new Set(idOf.values()).size, g.nodes.length, 'one Mermaid node for each step');
  const edgeLines = lines.slice(1 + g.nodes.length).filter((l) => EDGE.test(l));
  assert.equal(edgeLines.length, g.edges.length);
  g.edges.forEach((e, i) => {
    const [, from, label, to] = EDGE.exec(edgeLines[i]!)!;
    assert.deepEqual([from, to], [idOf.get(e.from), idOf.get(e.to)], `edge ${e.from} -> ${e.to}`);
    if (e.label) assertLabel(label!, e.label, `edge ${i}`);
  });
  const destructive = lines.find((l) => l.startsWith('  class ') && l.endsWith(' destructive'));
  assert.deepEqual(destructive?.slice(8, -12).split(',') ?? [], g.nodes.filter((n) => n.destructive).map((n) => idOf.get(n.id)));
}

test('generated step ids and titles: one node per step, no Mermaid syntax inside a label', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const g = generated(seed);
    const source = toMermaid(g, { nodes: new Set(g.nodes.slice(0, 5).map((n) => n.id)) });
    try { assertDrawn(g, source); } catch (e) { throw new Error(`seed ${seed}: ${(e as Error).message}`, { cause: e }); }
  }
});

const RUNBOOK = `name: p58
title: P58
steps:
  - id: look
    shell: echo look
    capture: look
  - id: restart_app
    title: "Verify: \${{ look.stdout }}"
    shell: echo verify
  - id: restart-app
    title: Kill the app
    destructive: true
    shell: echo kill
  - id: end
    end: resolved
`;

test('the report draws the run\'s templated title as text and restart_app, restart-app as two steps', () => {
  const { runbook, diagnostics } = parseRunbook(RUNBOOK, 'p58.yaml');
  assert.ok(runbook, JSON.stringify(diagnostics));
  const captured = "Verify: %%{init: {'themeCSS': '[id*=kill] {display:none}'}}%% #37;%%{ `x`";
  const path = { nodes: ['look', 'restart_app', 'restart-app', 'end'], edges: [] };
  const source = pathMermaid(path, runbook.doc, new Map([['restart_app', captured]]));
  assert.equal([...source.matchAll(DIRECTIVE)].length, 0, source);
  const kill = source.split('\n').find((l) => l.includes('Kill the app'));
  assert.ok(kill?.startsWith('  s_restart_happ{{"⚠ '), source);
  assert.match(source, /class s_look,s_restart__app,s_restart_happ,s_end taken$/);
  const verify = source.split('\n').find((l) => l.startsWith('  s_restart__app['));
  assertLabel(NODE.exec(verify!)![2]!, `restart_app: ${captured}`, 'restart_app');
});
