// Expressions and templates must parse and may only read names that exist.
import type { RunbookDoc } from '../schema.js';
import { ExpressionError, parseExpression, parseTemplate, references, FUNCTIONS, type Node } from '../expression/index.js';
import { loopVar, runbookSites, type Site } from '../sites.js';
import { didYouMean } from '../suggest.js';
import { childPath } from '../source-map.js';
import type { Reporter } from './context.js';
import { linearRegExp } from '../expression/linear-regex.js';
import { resultShapeCheck } from './result-shape-check.js';

export const RESERVED_ROOTS = ['inputs', 'steps', 'result', 'run', 'vars'] as const;
/** What `run.<name>` offers: facts about the run itself, not about any step. */
const RUN_FIELDS = new Set(['dry_run']);

export function checkExpressions(doc: RunbookDoc, report: Reporter): void {
  const inputs = Object.keys(doc.inputs ?? {});
  // Sets: every reference is looked up, and a 1,000-step runbook has thousands of them.
  const names: Names = { inputs: new Set(inputs), stepIds: new Set(doc.steps.map((s) => s.id)),
    captures: new Set(doc.steps.flatMap((s) => (s.capture === undefined ? [] : [s.capture]))),
    items: new Set(doc.steps.flatMap((s) => (s.for_each ? [loopVar(s.for_each)] : []))), vars: varsDefined(doc, report),
    connections: Object.keys(doc.connections ?? {}) };
  doc.steps.forEach((s, i) => {
    if (s.capture && (RESERVED_ROOTS as readonly string[]).includes(s.capture)) {
      report.error('reserved-name', `/steps/${i}/capture`, `capture name '${s.capture}' is reserved (${RESERVED_ROOTS.join(', ')})`);
    }
  });
  const used = new Set<string>();
  const shapes = resultShapeCheck(doc);
  for (const site of runbookSites(doc)) {
    const dashed = dashedStepIds(site, names, report);
    for (const { node, offset } of parseSite(site, report)) {
      for (const p of shapes(site, node)) report.at(p.severity ?? 'error', p.code, site.path, p.message, 'value', columnShift(site, offset + p.pos, report));
      const regex = badRegex(node);
      if (regex) report.at('error', 'expression', site.path, `invalid regular expression after 'matches': ${regex.message}`, 'value', columnShift(site, offset + regex.pos, report));
      const calls = engineCalls(node);
      // engine(main): one mistake, reported once (as engine-call), not again as an unknown name.
      const engineArgs = new Set(calls.flatMap((c) => c.args.map((a) => a.pos)));
      for (const call of calls) {
        const problem = checkEngineCall(call, names.connections);
        if (problem) report.at('error', problem.code, site.path, problem.message, 'value', columnShift(site, offset + problem.pos, report));
      }
      for (const ref of references(node)) {
        if (engineArgs.has(ref.pos)) continue;
        const problem = checkReference(ref.root, ref.member, site, names);
        if (ref.root === 'inputs' && ref.member) used.add(ref.member);
        if (problem && !dashed.some(([from, to]) => offset + ref.pos >= from && offset + ref.pos < to)) report.at('error', problem.code, site.path, problem.message, 'value', columnShift(site, offset + ref.pos, report));
      }
    }
  }
  for (const name of inputs) {
    if (!used.has(name)) report.warn('unused-input', `/inputs/${name}`, `input '${name}' is declared but never used`, 'key');
  }
}

function parseSite(site: Site, report: Reporter): { node: Node; offset: number }[] {
  try {
    if (site.kind === 'expression') return [{ node: parseExpression(site.text), offset: 0 }];
    return parseTemplate(site.text).flatMap((p) => (p.kind === 'expr' ? [{ node: p.node, offset: p.offset }] : []));
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    if (site.kind === 'expression' && WRAPPED.test(site.text)) {
      const field = site.path.slice(site.path.lastIndexOf('/') + 1);
      report.error('wrapped-expression', site.path, `'${field}' is an expression already: write it without \${{ }} (${field}: ${WRAPPED.exec(site.text)![1]!.trim()}); \${{ }} marks expressions inside text`);
      return [];
    }
    report.at('error', 'expression', site.path, `${site.kind === 'template' ? 'template' : 'expression'} does not parse: ${e.message}`, 'value', columnShift(site, e.pos, report));
    return [];
  }
}

/** `if: ${{ steps.x.ok }}`: the GitHub Actions habit; `if` and the like are whole expressions. */
const WRAPPED = /^\s*\$\{\{([\s\S]*)\}\}\s*$/;

/** `steps.no-contention.ok` reads as `steps.no - contention.ok`. Reports each such use of a real step id with the
 *  fix, and returns the text spans it covered so that the names the subtraction produced are not reported too. */
function dashedStepIds(site: Site, names: Names, report: Reporter): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of site.text.matchAll(/\bsteps\s*\.\s*([a-z][a-z0-9_]*(?:-[a-z0-9_]+)+)/g)) {
    // The longest dashed id the text starts with (`steps.a-b-1` may be steps['a-b'] minus 1).
    const id = [...names.stepIds].filter((s) => s.includes('-') && (m[1] === s || m[1]!.startsWith(`${s}-`)))
      .sort((a, b) => b.length - a.length)[0];
    if (!id) continue;
    spans.push([m.index, m.index + m[0].length]);
    report.at('error', 'dashed-step-id', site.path, `step id '${id}' has a dash, which an expression reads as minus: write steps['${id}'] instead of steps.${id}`, 'value', columnShift(site, m.index, report));
  }
  return spans;
}

/** A literal pattern after `matches` that does not compile (for the linear-time engine, as the run compiles it)
 *  would fail the run at that branch. */
function badRegex(node: Node): { message: string; pos: number } | undefined {
  if (node.type === 'binary' && node.op === 'matches' && node.right.type === 'literal' && typeof node.right.value === 'string') {
    try { linearRegExp(node.right.value); } catch (e) { return { message: (e as Error).message, pos: node.right.pos }; }
  }
  const children = node.type === 'binary' || node.type === 'logical' ? [node.left, node.right]
    : node.type === 'unary' ? [node.arg] : node.type === 'conditional' ? [node.test, node.then, node.else]
      : node.type === 'call' ? node.args : node.type === 'array' ? node.items : node.type === 'member' ? [node.object, node.property] : [];
  for (const c of children) { const bad = badRegex(c); if (bad) return bad; }
  return undefined;
}

interface Names { inputs: Set<string>; stepIds: Set<string>; captures: Set<string>; items: Set<string>; vars: Map<string, number>; connections: string[] }

type CallNode = Extract<Node, { type: 'call' }>;

/** Every engine(…) call in an expression. */
function engineCalls(node: Node, out: CallNode[] = []): CallNode[] {
  if (node.type === 'call' && node.callee === 'engine') out.push(node);
  switch (node.type) {
    case 'binary': case 'logical': engineCalls(node.left, out); engineCalls(node.right, out); break;
    case 'unary': engineCalls(node.arg, out); break;
    case 'conditional': engineCalls(node.test, out); engineCalls(node.then, out); engineCalls(node.else, out); break;
    case 'call': for (const a of node.args) engineCalls(a, out); break;
    case 'array': for (const a of node.items) engineCalls(a, out); break;
    case 'member': engineCalls(node.object, out); engineCalls(node.property, out); break;
    default: break;
  }
  return out;
}

/** engine() takes the name of a declared connection, written as text: `engine('db')`. */
function checkEngineCall(call: CallNode, connections: string[]): { code: string; message: string; pos: number } | undefined {
  const arg = call.args[0];
  if (call.args.length !== 1 || arg?.type !== 'literal' || typeof arg.value !== 'string') {
    return { code: 'engine-call', pos: arg?.pos ?? call.pos, message: `engine() takes one connection name in quotes: engine('${connections[0] ?? 'db'}')` };
  }
  if (!connections.includes(arg.value)) {
    return { code: 'unknown-connection', pos: arg.pos, message: `unknown connection '${arg.value}'${didYouMean(arg.value, connections)}${connections.length ? '' : ' (declare it under connections:)'}` };
  }
  return undefined;
}

/** Every name a vars step defines → the index of that step. A name is defined by one step only: two would make
 *  vars.<name> depend on which of them ran last. */
function varsDefined(doc: RunbookDoc, report: Reporter): Map<string, number> {
  const out = new Map<string, number>();
  doc.steps.forEach((s, i) => {
    for (const name of Object.keys(s.vars ?? {})) {
      if (Object.hasOwn(doc.inputs ?? {}, name)) {
        report.warn('vars-shadows-input', childPath(`/steps/${i}/vars`, name),
          `vars.${name} has the name of input '${name}': a later step reading inputs.${name} gets the input, not this value (or the other way round); give it its own name, e.g. ${name}_value`, 'key');
      }
      const first = out.get(name);
      if (first === undefined) out.set(name, i);
      else report.error('duplicate-var', childPath(`/steps/${i}/vars`, name), `vars.${name} is already defined by step '${doc.steps[first]!.id}'; each name is defined by one vars step`, 'key');
    }
  });
  return out;
}

function checkReference(root: string, member: string | undefined, site: Site, names: Names): { code: string; message: string } | undefined {
  if (root === 'inputs') {
    if (member !== undefined && !names.inputs.has(member)) {
      return { code: 'unknown-input', message: `input '${member}' is not declared${didYouMean(member, [...names.inputs])}${names.inputs.size ? '' : ' (declare it under inputs:)'}` };
    }
    return undefined;
  }
  if (root === 'steps') {
    if (member !== undefined && !names.stepIds.has(member)) return { code: 'unknown-step', message: `unknown step '${member}'${didYouMean(member, [...names.stepIds])}` };
    return undefined;
  }
  if (root === 'vars') {
    if (member === undefined) return undefined;
    const at = names.vars.get(member);
    if (at === undefined) {
      return { code: 'unknown-var', message: `vars.${member} is not defined${didYouMean(member, [...names.vars.keys()])}${names.vars.size ? '' : ' (define it in a vars step: vars: { name: expression })'}` };
    }
    if (site.varsBefore?.step === at && !site.varsBefore.names.includes(member)) {
      return { code: 'unknown-var', message: `vars.${member} is defined after this value in the same step: values are computed in order, each may read only the ones above it` };
    }
    return undefined;
  }
  if (root === 'run') {
    if (member === undefined || !RUN_FIELDS.has(member)) return { code: 'unknown-name', message: `'run' offers ${[...RUN_FIELDS].map((f) => `run.${f}`).join(', ')}${member === undefined ? '' : didYouMean(member, [...RUN_FIELDS])}` };
    return undefined;
  }
  if (root === 'result') {
    return site.withResult ? undefined : { code: 'unknown-name', message: `'result' is only available in next[].if and wait.until; use a capture name or steps.<id> here` };
  }
  if (root === site.item || names.captures.has(root) || FUNCTIONS.has(root)) return undefined;
  if (names.items.has(root)) {
    return { code: 'unknown-name', message: `'${root}' is a for_each item: it exists only in its own step's shell, sql, with and for_each.label, while one item runs` };
  }
  // A bare vars, input or step name: the author forgot the prefix, and the prefixed name is the fix.
  const prefixed = [names.vars.has(root) ? `vars.${root}` : '', names.inputs.has(root) ? `inputs.${root}` : '',
    names.stepIds.has(root) ? `steps.${root}` : ''].filter(Boolean);
  if (prefixed.length) {
    return { code: 'unknown-name', message: `unknown name '${root}' — did you mean ${prefixed.join(' or ')}? A bare name is a step's capture name; inputs, vars and steps are read under their prefix` };
  }
  const all = [...RESERVED_ROOTS, ...names.captures, ...(site.item ? [site.item] : [])];
  return { code: 'unknown-name', message: `unknown name '${root}'${didYouMean(root, all)} (use inputs.<name>, steps.<id>, vars.<name>, run.dry_run, or a step's capture name)` };
}

/** Columns only line up where the source spells the text out verbatim on one line (a plain scalar, or a
 *  quoted one without escapes); in folded, block or escaped scalars the value's start is the honest position. */
export function columnShift(site: Site, pos: number, report: Reporter): number {
  if (site.text.includes('\n')) return 0;
  const source = report.map.valueLine(site.path);
  if (source.startsWith(site.text)) return Math.max(0, pos);
  const quote = source[0];
  return (quote === '"' || quote === "'") && source.startsWith(site.text + quote, 1) ? Math.max(0, pos) + 1 : 0;
}
