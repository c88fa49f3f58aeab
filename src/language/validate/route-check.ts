// A route is shown (whether a step ran, the branch taken, where it ran, how many items a loop went through), so it
// may be decided only by what the record shows: the run refuses a route a secret flowed into, by taint
// (engine/secret-route.ts); this is its early word, where the runbook names the secret. What validate can tell
// without running: a secret input (not whether it was given: `inputs.x == null`), a secret step's or prompt's
// result, what a step given a secret returned (its script, env or SQL parameters read one), a vars value computed
// from any of these; a step's status, exit code, classification and counts are shown, and so may route, but of a
// step given a secret only its status and duration are (results.ts SHOWN_OF_GIVEN: its exit code, counts,
// sizes and classification are its code's choice).
import type { RunbookDoc, StepDoc } from '../schema.js';
import { namesStatus, namesStatusOnly, ROUTE_SHOWN, SHOWN_OF_GIVEN } from '../results.js';
import { parseExpression, parseTemplate, type Node } from '../expression/index.js';
import { loopExpression, stepSites } from '../sites.js';
import { isPresenceTest } from '../expression/presence.js';
import type { Reporter } from './context.js';

/** What a step's code or server returned (secrets/step-taint.ts WITHHELD_FIELDS, and a vars step's values): the
 *  record withholds these of a step given a secret; the rest of a result is how the step went, and is shown. */
const RETURNED = new Set(['stdout', 'stderr', 'output', 'error', 'value', 'rows', 'outputs', 'items', 'details', 'vars']);


/** calls: runbook steps handed a secret, with the outputs the callee computes from one (engine/run-data.ts); given:
 *  the steps of `steps` given a secret by their script, env or parameters, of which only SHOWN_OF_GIVEN is shown. */
interface Known { inputs: Set<string>; steps: Set<string>; given: Set<string>; captures: Map<string, string>; vars: Set<string>; calls: Map<string, ReadonlySet<string>> }

/** Secret outputs per call step (its id) handed a secret: known only where the called runbook was read
 *  (catalog/called-runbooks.ts); without them a call's outputs are left to the run, which refuses by flow. */
export type CallOutputs = ReadonlyMap<string, ReadonlySet<string>>;

/** The words of a finding about a call's outputs (the catalog's pass reports only these: the rest is this one's). */
export const CALL_OUTPUT_FINDING = 'a called runbook handed a secret';

export function checkSecretRoutes(doc: RunbookDoc, report: Reporter, calls?: CallOutputs): void {
  const known = secretsOf(doc, calls);
  for (const [name, target] of Object.entries(doc.targets ?? {})) {
    if (target.if !== undefined) expressionRoute(doc, known, target.if, `/targets/${name}/if`, `target '${name}'`, undefined, report);
  }
  doc.steps.forEach((step, i) => {
    const base = `/steps/${i}`;
    const given = known.steps.has(step.id) ? step.id : undefined;
    const coded = known.given.has(step.id);
    if (step.if !== undefined) expressionRoute(doc, known, step.if, `${base}/if`, `step '${step.id}'`, undefined, report);
    if (Array.isArray(step.next)) step.next.forEach((b, j) => b.if !== undefined && expressionRoute(doc, known, b.if, `${base}/next/${j}/if`, `step '${step.id}'`, given, report));
    if (step.for_each) expressionRoute(doc, known, loopExpression(step.for_each.in), `${base}/for_each/in`, `step '${step.id}'`, undefined, report);
    if (step.wait) expressionRoute(doc, known, step.wait.until, `${base}/wait/until`, `step '${step.id}'`, given, report);
    if (given) {
      for (const key of Object.keys(step.on ?? {})) {
        if (coded ? !namesStatusOnly(key) : !namesStatus(key)) report.error('secret-route', `${base}/on/${key}`, coded ? GIVEN_KEY(step.id, key) : `step '${step.id}' routes on its value ('${key}'), which is a secret's: a route is shown on the screen and in the record, so route on its status or classification`, 'key');
      }
    }
    if (coded) {
      (step.retry?.on ?? []).forEach((key, j) => {
        if (!namesStatusOnly(key)) report.error('secret-route', `${base}/retry/on/${j}`, `step '${step.id}' is given a secret, so whether it is tried again may read only its status, not its classification ('${key}'), which its code chooses: the run retries it on its status alone`);
      });
    }
  });
}

const GIVEN_KEY = (id: string, key: string) => `step '${id}' is given a secret, so its routes may read only its status: `
  + `its value and its classification ('${key}') are read from what its code printed or how it exited, which the code chooses `
  + `from the secret, and ${ROUTE_SHOWN}`;

function expressionRoute(doc: RunbookDoc, known: Known, text: string, path: string, who: string, resultOf: string | undefined, report: Reporter): void {
  let node: Node;
  try { node = parseExpression(text); } catch { return; } // a parse error has its own diagnostic
  const reads = [...new Set(readsOf(node, known, resultOf))];
  if (reads.length === 0) return;
  report.error('secret-route', path, `${who} routes on ${reads.join(', ')}, a secret: ${ROUTE_SHOWN}`);
}

/** The secrets a route expression reads, by name. */
function readsOf(node: Node, k: Known, resultOf: string | undefined): string[] {
  switch (node.type) {
    case 'literal': return [];
    case 'ident':
      if (node.name === 'vars') return k.vars.size ? ['vars'] : [];
      if (k.captures.has(node.name)) return [`'${node.name}' (a secret step's result)`];
      if (node.name === 'steps' || node.name === 'inputs') return [...k.steps, ...k.inputs].length ? [node.name] : [];
      return [];
    case 'member': {
      const key = node.computed ? readsOf(node.property, k, resultOf) : [];
      return [...key, ...memberReads(node, k, resultOf)];
    }
    case 'call': return node.args.flatMap((a) => readsOf(a, k, resultOf));
    case 'array': return node.items.flatMap((a) => readsOf(a, k, resultOf));
    case 'unary': return readsOf(node.arg, k, resultOf);
    case 'binary': {
      const reads = [...readsOf(node.left, k, resultOf), ...readsOf(node.right, k, resultOf)];
      // Whether a value was given tells nothing of it, but whether a step given a secret printed anything is its
      // code's choice.
      return isPresenceTest(node) && !reads.some((r) => r.includes(GIVEN_READ)) ? [] : reads;
    }
    case 'logical': return [...readsOf(node.left, k, resultOf), ...readsOf(node.right, k, resultOf)];
    case 'conditional': return [...readsOf(node.test, k, resultOf), ...readsOf(node.then, k, resultOf), ...readsOf(node.else, k, resultOf)];
  }
}

/** A member chain read from its root: `inputs.pin`, `steps.q.rows[0]`, `cap.output`, `vars.d`, `result.rows`. */
function memberReads(node: Extract<Node, { type: 'member' }>, k: Known, resultOf: string | undefined): string[] {
  const chain: (string | undefined)[] = [];
  let at: Node = node;
  while (at.type === 'member') {
    chain.unshift(at.property.type === 'literal' && typeof at.property.value === 'string' ? at.property.value : undefined);
    at = at.object;
  }
  if (at.type !== 'ident') return readsOf(at, k, resultOf);
  const [first, second, third] = chain;
  const unknownKey = first === undefined;
  switch (at.name) {
    case 'inputs': return unknownKey ? (k.inputs.size ? ['an input chosen by a computed name'] : []) : k.inputs.has(first) ? [`the secret input '${first}'`] : [];
    case 'vars': return unknownKey ? (k.vars.size ? ['vars'] : []) : k.vars.has(first) ? [`vars.${first} (computed from a secret)`] : [];
    case 'steps':
      if (unknownKey) return k.steps.size ? ['a step chosen by a computed name'] : [];
      if (k.calls.has(first)) return outputReads(first, k.calls.get(first)!, second, third);
      if (k.given.has(first) && !shownOfGiven(second)) return [`${GIVEN_READ} '${first}'`];
      return k.steps.has(first) && returned(second) ? [`what step '${first}' returned (given a secret)`] : [];
    case 'result':
      if (resultOf !== undefined && k.given.has(resultOf) && !shownOfGiven(first)) return [`${GIVEN_READ} '${resultOf}'`];
      return resultOf !== undefined && returned(first) ? [`what step '${resultOf}' returned (given a secret)`] : [];
    default: {
      const id = k.captures.get(at.name);
      if (id !== undefined && k.calls.has(id)) return outputReads(id, k.calls.get(id)!, first, second);
      if (id !== undefined && k.given.has(id) && !shownOfGiven(first)) return [`'${at.name}' (${GIVEN_READ} '${id}')`];
      return id !== undefined && returned(first) ? [`'${at.name}' (what step '${id}' returned, given a secret)`] : [];
    }
  }
}

/** A call's outputs read whole, or one the callee computes from a secret it was handed. */
function outputReads(id: string, secret: ReadonlySet<string>, field: string | undefined, name: string | undefined): string[] {
  if (field !== undefined && field !== 'outputs') return [];
  const hit = name === undefined ? secret.size > 0 : secret.has(name);
  return hit ? [`the output${name === undefined ? 's' : ` '${name}'`} of '${id}' (${CALL_OUTPUT_FINDING})`] : [];
}

/** How a read of a step given a secret is named: all but its status and duration is its code's choice. */
const GIVEN_READ = 'the output, exit code, counts, sizes or classification of step';
const shownOfGiven = (field: string | undefined): boolean => field !== undefined && SHOWN_OF_GIVEN.has(field);

/** A field of a result read whole or by a computed name counts as what the step returned. */
const returned = (field: string | undefined): boolean => field === undefined || RETURNED.has(field);

/** The secret inputs, the steps whose result is a secret's (secret steps and prompts, and steps given a secret
 *  through their script, env or SQL parameters), their captures, and vars computed from any of these; in the
 *  order the runbook is written, as a later step reads an earlier one. */
function secretsOf(doc: RunbookDoc, calls?: CallOutputs, handed: ReadonlySet<string> = new Set()): Known {
  const inputs = new Set([...handed, ...Object.entries(doc.inputs ?? {}).filter(([, v]) => v.secret).map(([n]) => n)]);
  const k: Known = { inputs, steps: new Set(), given: new Set(), captures: new Map(), vars: new Set(), calls: new Map() };
  for (let pass = 0; pass < 2; pass++) { // a loop back reads a later step's result: a second pass sees it
    doc.steps.forEach((step, i) => {
      const given = givenBySites(step, i, k);
      if (given) k.given.add(step.id);
      if (step.secret === true || step.prompt?.secret === true || given) markStep(k, step);
      else if (step.runbook && calls?.has(step.id)) {
        k.calls.set(step.id, calls.get(step.id)!);
        if (step.capture) k.captures.set(step.capture, step.id);
      }
      for (const [name, text] of Object.entries(step.vars ?? {})) {
        let node: Node | undefined;
        try { node = parseExpression(text); } catch { node = undefined; }
        if (step.secret === true || (node && readsOf(node, k, undefined).length)) k.vars.add(name);
      }
    });
  }
  return k;
}

function markStep(k: Known, step: StepDoc): void {
  k.steps.add(step.id);
  if (step.capture) k.captures.set(step.capture, step.id);
}

/** A step given a secret by its script, env, directory or SQL parameters (its own or its wait's), as the run
 *  withholds what it returned. */
function givenBySites(step: StepDoc, i: number, k: Known): boolean {
  return stepSites(step, `/steps/${i}`).some((site) => site.kind === 'template' && /\/(shell|sql)(\/|$)/.test(site.path) && templateReads(site.text, k));
}

function templateReads(text: string, k: Known): boolean {
  let parts;
  try { parts = parseTemplate(text); } catch { return false; }
  return parts.some((p) => p.kind === 'expr' && readsOf(p.node, k, undefined).length > 0);
}

/** Per call step, the names of the called runbook's inputs it hands a secret (read by the caller's own rules). */
export function inputsHandedSecrets(doc: RunbookDoc): Map<string, Set<string>> {
  const k = secretsOf(doc);
  const out = new Map<string, Set<string>>();
  for (const step of doc.steps) {
    const handed = Object.entries(step.runbook?.inputs ?? {}).filter(([, v]) => typeof v === 'string' && templateReads(v, k)).map(([n]) => n);
    if (handed.length) out.set(step.id, new Set(handed));
  }
  return out;
}

/** The outputs of `callee` that read a secret when it is handed secrets in `handed` (its own secrets too). */
export function secretOutputs(callee: RunbookDoc, handed: ReadonlySet<string>): Set<string> {
  const k = secretsOf(callee, undefined, handed);
  const out = new Set<string>();
  for (const [name, text] of Object.entries(callee.outputs ?? {})) {
    let node: Node | undefined;
    try { node = parseExpression(String(text)); } catch { node = undefined; }
    if (!node || readsOf(node, k, undefined).length) out.add(name); // an output that cannot be read counts as a secret's
  }
  return out;
}
