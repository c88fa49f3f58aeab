// A capture read where some path to it never ran the step that sets it: the read gives nothing, and the branch or
// the command built from it goes wrong quietly. Classic "definitely assigned" analysis over the step graph.
import type { RunbookDoc, StepDoc } from '../schema.js';
import { edgesOf, stepKind } from '../flow.js';
import { edgesNeverTaken } from '../results.js';
import { childPath } from '../source-map.js';
import { parseExpression, parseTemplate, references, type Node, type Reference } from '../expression/index.js';
import { stepSites, type Site } from '../sites.js';
import type { Reporter } from './context.js';

export function checkCaptureOrder(doc: RunbookDoc, report: Reporter): void {
  // Captures by name, and vars as `vars.<name>`: both are set by a step the path must have gone through.
  const captures = new Map<string, number[]>();
  doc.steps.forEach((s, i) => { for (const name of setBy(s)) captures.set(name, [...(captures.get(name) ?? []), i]); });
  if (captures.size === 0) return;
  const { before, after, preds } = definitelySet(doc);
  // Only needed to word a warning, and a fixpoint of its own: worked out on the first warning.
  let some: Set<string>[] | undefined;
  const maybe = (i: number) => (some ??= possiblySet(doc, preds))[i]!;
  const warn = (path: string, name: string, where: string, possible: boolean) => {
    const by = captures.get(name)!.map((j) => `'${doc.steps[j]!.id}'`).join(', ');
    const what = name.startsWith('vars.') ? 'computes' : 'captures';
    const fallback = name.startsWith('vars.') ? `default(${name}, <fallback>)` : `default(${name}.<field>, <fallback>)`;
    // Set on no path at all: the read is always null, a mistake, not a risk.
    if (possible) report.warn('maybe-unset', path, `'${name}' may not be set here: some path to ${where} never reaches ${by}, which ${what} it; route every path through it, or read it as ${fallback}`);
    else report.error('never-set', path, `'${name}' is never set here: no path to ${where} goes through ${by}, which ${what} it (it runs only later, or elsewhere); move the read after it, or read it as ${fallback}`);
  };
  const live = reachable(doc);
  doc.steps.forEach((step, i) => {
    if (!live.has(i)) return; // an unreachable step is an error of its own; what it reads never runs
    for (const site of stepSites(step, `/steps/${i}`)) {
      // Conditions on the step's own result run after it (its capture is set then, even if it was skipped); a
      // vars value reads the ones above it in its own step (expression-check rejects the ones below).
      const set = site.withResult ? new Set([...after[i]!, ...setBy(step)])
        : site.varsBefore ? new Set([...before[i]!, ...site.varsBefore.names.map((n) => `vars.${n}`)]) : before[i]!;
      // A vars value reading one defined below it in its own step is expression-check's error (unknown-var).
      const own = site.varsBefore ? setBy(step) : [];
      const name = readNames(site).find((n) => captures.has(n) && !set.has(n) && !own.includes(n));
      // One warning per field is enough.
      if (name) warn(site.path, name, `step '${step.id}'`, site.withResult || maybe(i).has(name));
    }
  });
  checkOutputs(doc, captures, before, maybe, warn);
}

/** A runbook's outputs are worked out when it reaches an end step: one reading a capture some path to a reachable
 *  end never set is null there, and the caller gets nothing. */
function checkOutputs(doc: RunbookDoc, captures: Map<string, number[]>, before: Set<string>[], maybe: (i: number) => Set<string>,
  warn: (path: string, name: string, where: string, possible: boolean) => void): void {
  if (!doc.outputs) return;
  const live = reachable(doc);
  const ends = doc.steps.map((s, i) => i).filter((i) => stepKind(doc.steps[i]!) === 'end' && live.has(i));
  for (const [output, text] of Object.entries(doc.outputs ?? {})) {
    const site = { path: childPath('/outputs', output), text, kind: 'expression' as const, withResult: false };
    for (const name of readNames(site).filter((n) => captures.has(n))) {
      const end = ends.find((i) => !before[i]!.has(name));
      if (end === undefined) continue;
      warn(site.path, name, `end '${doc.steps[end]!.id}' (where output '${output}' is worked out)`, maybe(end).has(name));
      break;
    }
  }
}

/** The names a step sets: its capture, and a vars step's values as `vars.<name>`. */
function setBy(step: StepDoc): string[] {
  return [...(step.capture ? [step.capture] : []), ...Object.keys(step.vars ?? {}).map((n) => `vars.${n}`)];
}

/** For each step, the captures set on every path into it (before) and out of it (after); preds: the steps
 *  leading to each. */
function definitelySet(doc: RunbookDoc): { before: Set<string>[]; after: Set<string>[]; preds: number[][] } {
  const n = doc.steps.length;
  const ids = new Map(doc.steps.map((s, i) => [s.id, i]));
  const preds: number[][] = doc.steps.map(() => []);
  // Only routes some result can take (results.ts, as runbook test's coverage decides them): a path that cannot
  // happen must not make a capture look unset.
  doc.steps.forEach((_, i) => {
    const never = edgesNeverTaken(doc, i);
    edgesOf(doc, i).forEach((e, k) => { const j = ids.get(e.to); if (j !== undefined && !never[k]) preds[j]!.push(i); });
  });
  const all = new Set(doc.steps.flatMap(setBy));
  const sets = doc.steps.map(setBy);
  const before = doc.steps.map((_, i) => (i === 0 ? new Set<string>() : new Set(all)));
  // A step skipped by its `if` still records its (skipped) result under its capture: the path went through it.
  // Sets only shrink, so after[i] is kept and rebuilt only when before[i] changed (it was rebuilt per
  // predecessor per step per round: most of validating a long runbook).
  const afterOf = (i: number) => { const a = new Set(before[i]); for (const name of sets[i]!) a.add(name); return a; };
  const after = doc.steps.map((_, i) => afterOf(i));
  for (let changed = true, rounds = 0; changed && rounds < n + 2; rounds++) {
    changed = false;
    for (let j = 1; j < n; j++) {
      const from = preds[j]!;
      if (from.length === 0) continue; // unreachable: reported elsewhere
      const next = new Set<string>();
      for (const name of before[j]!) if (from.every((p) => after[p]!.has(name))) next.add(name);
      if (next.size !== before[j]!.size) { before[j] = next; after[j] = afterOf(j); changed = true; }
    }
  }
  return { before, after, preds };
}

/** For each step, the captures set on some path into it: the union over predecessors, growing from nothing. */
function possiblySet(doc: RunbookDoc, preds: number[][]): Set<string>[] {
  const n = doc.steps.length;
  const maybe = doc.steps.map(() => new Set<string>());
  for (let changed = true, rounds = 0; changed && rounds < n + 2; rounds++) {
    changed = false;
    // From step 0 too: a loop back to the first step brings what the loop set.
    for (let j = 0; j < n; j++) {
      for (const p of preds[j]!) {
        for (const name of [...maybe[p]!, ...setBy(doc.steps[p]!)]) if (!maybe[j]!.has(name)) { maybe[j]!.add(name); changed = true; }
      }
    }
  }
  return maybe;
}

/** The steps a run can reach from the first, by routes some result takes. */
function reachable(doc: RunbookDoc): Set<number> {
  const ids = new Map(doc.steps.map((s, i) => [s.id, i]));
  const seen = new Set([0]);
  const todo = [0];
  while (todo.length) {
    const i = todo.pop()!;
    const never = edgesNeverTaken(doc, i);
    edgesOf(doc, i).forEach((e, k) => {
      const j = ids.get(e.to);
      if (j !== undefined && !never[k] && !seen.has(j)) { seen.add(j); todo.push(j); }
    });
  }
  return seen;
}

/** A capture by its root name; a value of a vars step as `vars.<name>`. */
const nameOf = (r: Reference): string => (r.root === 'vars' && r.member !== undefined ? `vars.${r.member}` : r.root);

/** Root names the site reads, except inside default(…): default() is how an author says a value may be missing. */
function readNames(site: Site): string[] {
  let nodes: Node[];
  try {
    nodes = site.kind === 'expression' ? [parseExpression(site.text)]
      : parseTemplate(site.text).flatMap((p) => (p.kind === 'expr' ? [p.node] : []));
  } catch {
    return []; // a parse error has its own diagnostic
  }
  const guarded = new Set(nodes.flatMap(tested));
  return nodes.flatMap((node) => references(strip(node)).map(nameOf)).filter((name) => !guarded.has(name));
}

/** Names a condition inside the expression tests (`x.status == 'ok' ? x.output : ''`, `x and x.ok`): the author
 *  already handles their absence. */
function tested(node: Node): string[] {
  switch (node.type) {
    case 'conditional': return [...references(node.test).map(nameOf), ...tested(node.then), ...tested(node.else)];
    case 'logical': return [...references(node.left).map(nameOf), ...tested(node.right)];
    case 'binary': return [...tested(node.left), ...tested(node.right)];
    case 'unary': return tested(node.arg);
    case 'call': return node.args.flatMap(tested);
    case 'array': return node.items.flatMap(tested);
    default: return [];
  }
}

/** The node with every default() call's arguments replaced by literals; the node itself when it has none (so
 *  its references are those already worked out for it: references.ts keeps them by tree). */
function strip(node: Node): Node {
  switch (node.type) {
    case 'call': {
      if (node.callee === 'default') return { type: 'literal', value: null, pos: node.pos };
      const args = node.args.map(strip);
      return args.every((a, i) => a === node.args[i]) ? node : { ...node, args };
    }
    case 'member': { const object = strip(node.object); const property = strip(node.property); return object === node.object && property === node.property ? node : { ...node, object, property }; }
    case 'unary': { const arg = strip(node.arg); return arg === node.arg ? node : { ...node, arg }; }
    case 'binary': case 'logical': { const left = strip(node.left); const right = strip(node.right); return left === node.left && right === node.right ? node : { ...node, left, right }; }
    case 'conditional': {
      const [test, then, otherwise] = [strip(node.test), strip(node.then), strip(node.else)];
      return test === node.test && then === node.then && otherwise === node.else ? node : { ...node, test, then, else: otherwise };
    }
    case 'array': { const items = node.items.map(strip); return items.every((a, i) => a === node.items[i]) ? node : { ...node, items }; }
    default: return node;
  }
}
