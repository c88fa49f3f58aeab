// What a resumed run cannot know. It reads what finished from the transcript, where every secret is '****'
// (a secret prompt's answer, a `secret: true` step's output, a password inside any output): a step that acts on,
// or routes by, such a value would act on the four characters instead (a rotated password set to '****', a
// list of sessions to end that reads differently) while the screen shows exactly what the first run showed.
// Allowlist: a value read from the recorded results may be used only where it is shown to hold no mask; every
// read of a recorded value that holds one, by a step the run may still reach, refuses the resume.
import type { Node } from '../language/expression/index.js';
import { parseExpression, parseTemplate } from '../language/expression/index.js';
import { edgesOf, FALL_OFF, stepById } from '../language/flow.js';
import { runbookSites, type Site } from '../language/sites.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import type { MachineContext } from '../engine/machine-types.js';
import type { StepResult } from '../executors/types.js';
import { resultView, scopeOf, varsOf } from '../engine/scope.js';
import { recomputeVars } from '../engine/vars.js';
import { MASK } from '../secrets/redactor.js';
import { SHOWN_OF_GIVEN } from '../language/results.js';
import { PARTIAL_OUTPUT } from '../transcript/output-refs.js';
import { UserError } from '../common/errors.js';
import { own } from '../common/own.js';

export interface LostRead { path: string; reads: string }

interface Point { stepId: string; phase?: 'enter' | 'route'; context: MachineContext; nested?: Record<string, Point> }

/** The runbook a `runbook:` step calls, as the resume continues in it (callees.ts's loadCalled; it throws saying why
 *  one cannot be loaded, and findResumePoint has refused that already). */
export type CalledDoc = (step: StepDoc, callerFile: string) => { doc: RunbookDoc; file: string };

/** Sites that only show text (titles, messages, instructions): '****' there is what the screen shows anyway. */
const SHOWN_ONLY = /\/(title|confirm|blast_radius|message|manual|manual\/instructions|prompt\/message|for_each\/label)$/;

/** Refuses (a UserError naming the step, the expression and the value) when a step the run may still reach reads
 *  a recorded value that holds a mask. `inputs` are the resumed run's (given again where they were masked). */
export function checkNothingLost(doc: RunbookDoc, point: Point, inputs: Record<string, unknown>, called?: { load: CalledDoc; file: string }): void {
  const lost = lostReads(doc, point, inputs, called);
  if (!lost.length) return;
  const list = lost.slice(0, 3).map((l) => `${l.path} reads ${l.reads}`).join('; ');
  throw new UserError(`refusing to resume: the rest of the run would act on or route by a value the transcript does not hold (masked as ${MASK}, `
    + `or lost from a record cut short), and a resumed run would use what is left in its place: ${list}${lost.length > 3 ? ` (and ${lost.length - 3} more)` : ''}. `
    + 'Nothing was run; start a new run');
}

export function lostReads(doc: RunbookDoc, point: Point, inputs: Record<string, unknown>, called?: { load: CalledDoc; file: string }): LostRead[] {
  // Vars are computed again from the recorded results (run-data.ts): a var is lost only if its inputs were.
  const results = structuredClone(point.context.results) as Record<string, StepResult>;
  recomputeVars(doc, results, (r) => scopeOf({ ...point.context, inputs, results: r }));
  const reach = reachable(doc, point);
  const out: LostRead[] = [];
  for (const site of runbookSites(doc)) {
    if (SHOWN_ONLY.test(site.path) || !stillRuns(site, reach, doc, point)) continue;
    for (const chain of chainsOf(site)) {
      if (holdsMask(valueAt(chain, site, point, results, doc))) out.push({ path: site.path, reads: chain.text });
    }
  }
  // A step resumed past its result routes by it: an `on` key matched against a masked value.
  const current = stepById(doc, point.stepId);
  if (point.phase === 'route' && current?.on && holdsMask(own(results, point.stepId)?.value)) {
    out.push({ path: `/steps/${doc.steps.indexOf(current)}/on`, reads: `the value of '${point.stepId}'` });
  }
  // Inside a called runbook the resume continues in: its own recorded results, read by its own steps. Its
  // inputs come from the calling step's templates, checked above; a var built from one reads as lost here.
  const inner = own(point.nested ?? {}, point.stepId);
  if (inner && current?.runbook && called) {
    const next = called.load(current, called.file);
    for (const l of lostReads(next.doc, inner, {}, { load: called.load, file: next.file })) out.push({ path: `${point.stepId} → ${l.path}`, reads: l.reads });
  }
  return out;
}

/** Step indexes the run may still enter: the resume point's step (unless it only routes) and all it leads to. */
function reachable(doc: RunbookDoc, point: Point): { steps: Set<number>; routesOf: number } {
  const index = new Map(doc.steps.map((s, i) => [s.id, i]));
  const at = index.get(point.stepId) ?? 0;
  const steps = new Set<number>();
  const todo = point.phase !== 'route' ? [at] : edgesOf(doc, at).map((e) => index.get(e.to)).filter((i): i is number => i !== undefined);
  while (todo.length) {
    const i = todo.pop()!;
    if (steps.has(i)) continue;
    steps.add(i);
    for (const e of edgesOf(doc, i)) if (e.to !== FALL_OFF && index.has(e.to)) todo.push(index.get(e.to)!);
  }
  return { steps, routesOf: at };
}

function stillRuns(site: Site, reach: { steps: Set<number>; routesOf: number }, doc: RunbookDoc, point: Point): boolean {
  const m = /^\/steps\/(\d+)(\/.*)?$/.exec(site.path);
  if (!m) return true; // connections, targets, outputs: used by whatever runs
  const i = Number(m[1]);
  if (reach.steps.has(i)) return true;
  // The step resumed at its route: its own branch conditions are still to be read.
  return point.phase === 'route' && i === reach.routesOf && /^\/next\/\d+\/if$/.test(m[2] ?? '') && doc.steps[i]?.id === point.stepId;
}

/** A read of the run's data: its root name and the members after it (undefined: computed, not known here). */
interface Chain { root: string; parts: (string | number | undefined)[]; text: string }

function chainsOf(site: Site): Chain[] {
  const nodes: { node: Node; source: string }[] = [];
  try {
    if (site.kind === 'expression') nodes.push({ node: parseExpression(site.text), source: site.text });
    else for (const p of parseTemplate(site.text)) if (p.kind === 'expr') nodes.push({ node: p.node, source: p.source });
  } catch { return []; } // the validator has said so already
  const out: Chain[] = [];
  for (const { node, source } of nodes) walk(node, out, source.trim());
  return out;
}

function walk(node: Node, out: Chain[], text: string): void {
  switch (node.type) {
    case 'ident': out.push({ root: node.name, parts: [], text }); return;
    case 'member': {
      const parts: Chain['parts'] = [];
      let n: Node = node;
      while (n.type === 'member') {
        const p = n.property;
        const known = p.type === 'literal' && (typeof p.value === 'string' || typeof p.value === 'number');
        parts.unshift(known ? (p.value as string | number) : undefined);
        if (n.computed && !known) walk(p, out, text);
        n = n.object;
      }
      if (n.type === 'ident') out.push({ root: n.name, parts, text });
      else walk(n, out, text);
      return;
    }
    case 'call': node.args.forEach((a) => walk(a, out, text)); return;
    case 'array': node.items.forEach((a) => walk(a, out, text)); return;
    case 'unary': walk(node.arg, out, text); return;
    case 'binary': case 'logical': walk(node.left, out, text); walk(node.right, out, text); return;
    case 'conditional': walk(node.test, out, text); walk(node.then, out, text); walk(node.else, out, text); return;
    case 'literal': return;
  }
}

/** What the chain reads from the recorded data, as far as its members are known; undefined for what is fresh. */
function valueAt(chain: Chain, site: Site, point: Point, results: Record<string, StepResult>, doc: RunbookDoc): unknown {
  // steps.<id>: that step's view only (every step's, for a computed id), not all of them for every read.
  const views = (ids: string[]): Record<string, unknown> => Object.fromEntries(ids.map((id) => [id, resultView(own(results, id))]));
  let value: unknown;
  if (chain.root === 'steps') value = views(chain.parts[0] === undefined ? Object.keys(results) : [String(chain.parts[0])]);
  else if (chain.root === 'vars') value = varsOf(results);
  else if (chain.root === 'result') value = site.withResult && point.phase === 'route' && siteStep(site, doc) === point.stepId ? resultView(own(results, point.stepId)) : undefined;
  else if (site.item === chain.root) {
    // A resumed for_each acts on the recorded list: each item's value, read as the chain reads it.
    const loop = point.context.resumedLoop;
    if (!loop || loop.stepId !== siteStep(site, doc)) return undefined;
    return loop.items.some((i) => holdsMask(follow(i.value, chain.parts))) ? LOST : undefined;
  }
  else if (own(point.context.captures, chain.root) !== undefined) value = resultView(own(results, own(point.context.captures, chain.root)!));
  else return undefined; // inputs, run: given afresh
  // A result whose record was cut (over the line limit, unserialisable, a torn finish): what it lost is lost.
  const cut = (r: StepResult | undefined, part: string | number | undefined) => {
    // A step given a secret: its record keeps how it went alone (step-taint.ts); its exit code, counts, rows
    // are not there to read, and a resumed run would read undefined in their place.
    if (r?.withheld && (part === undefined || !SHOWN_OF_GIVEN.has(String(part)))) return true;
    const fields = r?.truncated?.fields ?? [];
    if (!fields.length) return false;
    return part === undefined || fields.includes(String(part)) || (part === 'output' && fields.includes('stdout'));
  };
  const parts = chain.parts;
  if (chain.root === 'steps') {
    const ids = parts[0] === undefined ? Object.keys(results) : [String(parts[0])];
    if (ids.some((id) => cut(own(results, id), parts[1]))) return LOST;
  } else if (chain.root !== 'vars' && chain.root !== site.item) {
    const recordedResult = site.withResult && point.phase === 'route' && siteStep(site, doc) === point.stepId;
    const id = chain.root === 'result' ? (recordedResult ? point.stepId : undefined) : own(point.context.captures, chain.root);
    if (id !== undefined && cut(own(results, id), parts[0])) return LOST;
  }
  return follow(value, parts);
}

/** The value the members lead to, as far as they are known (a computed one: the whole value there). */
function follow(value: unknown, parts: Chain['parts']): unknown {
  for (const part of parts) {
    if (part === undefined || value === null || typeof value !== 'object') break;
    value = own(value as Record<string, unknown>, String(part));
  }
  return value;
}

const LOST = Symbol('lost');

function siteStep(site: Site, doc: RunbookDoc): string | undefined {
  const m = /^\/steps\/(\d+)/.exec(site.path);
  return m ? doc.steps[Number(m[1])]?.id : undefined;
}

/** A mask, a stream restored in part, or a field its record lost. */
function holdsMask(value: unknown, budget = { left: 100_000 }): boolean {
  if (--budget.left < 0 || value === LOST) return true;
  if (typeof value === 'string') return value.includes(MASK) || value.includes(PARTIAL_OUTPUT);
  if (!value || typeof value !== 'object') return false;
  return Object.values(value).some((v) => holdsMask(v, budget));
}
