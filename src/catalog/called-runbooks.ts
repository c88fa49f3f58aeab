// Where a `runbook:` step's name leads, and whether the call can work. Checked by `validate` and before a run
// starts, so a typo in a called runbook's name or inputs is a located error at the call, not a failure in the
// middle of an incident.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../language/diagnostic.js';
import { formatDiagnostic } from '../language/diagnostic.js';
import type { ReadResult, Runbook } from '../language/runbook.js';
import { closest } from '../language/suggest.js';
import { Reporter } from '../language/validate/context.js';
import { hasOwn } from '../common/own.js';
import { checkInputValue } from '../language/input-value.js';
import { catalog, filesIn, isRunbookFile } from './discover.js';
import { parseExpression, parseTemplate, type Node } from '../language/expression/index.js';
import { runbookSites } from '../language/sites.js';
import { columnShift } from '../language/validate/expression-check.js';
import { CALL_OUTPUT_FINDING, checkSecretRoutes, inputsHandedSecrets, secretOutputs } from '../language/validate/route-check.js';

/** A path is taken relative to the calling file; a bare name is a file beside the caller (name.yaml or
 *  name.yml), then a runbook of the catalog. Never the current directory: the caller must not change
 *  meaning with where the operator happens to stand. */
export function resolveCalled(name: string, callerFile: string): string | undefined {
  const dir = dirname(callerFile);
  if (name.includes('/') || isRunbookFile(name)) {
    const file = resolve(dir, name);
    return existsSync(file) ? file : undefined;
  }
  for (const ext of ['.yaml', '.yml']) {
    const file = join(dir, `${name}${ext}`);
    if (existsSync(file)) return file;
  }
  return catalog().get(name)?.file;
}

/** Every call of `runbook`, and of the runbooks it calls: the name resolves, the callee is valid, its inputs
 *  are known and the required ones given, and no chain of calls comes back to a runbook already on it. */
export function checkCalls(runbook: Runbook, read: (file: string) => ReadResult, stack: string[] = [runbook.file]): Diagnostic[] {
  const report = new Reporter(runbook.file, runbook.map);
  const nested: Diagnostic[] = [];
  const outputs = new Map<string, { name: string; declared: string[] }>();
  const handed = inputsHandedSecrets(runbook.doc);
  const secretOuts = new Map<string, Set<string>>();
  runbook.doc.steps.forEach((step, i) => {
    const call = step.runbook;
    if (!call) return;
    const at = `/steps/${i}/runbook/name`;
    const file = resolveCalled(call.name, runbook.file);
    if (!file) {
      const guess = closest(call.name, [...catalog().keys(), ...besides(runbook.file)]);
      report.error('unknown-runbook', at, `no runbook '${call.name}' beside ${basename(runbook.file)} or in the catalog${guess ? ` — did you mean '${guess}'?` : ''}`);
      return;
    }
    if (stack.includes(file)) {
      report.error('call-cycle', at, `runbooks call each other in a cycle: ${[...stack, file].map((f) => basename(f)).join(' → ')}`);
      return;
    }
    const callee = read(file);
    if (!callee.runbook) {
      const first = callee.diagnostics.find((d) => d.severity === 'error');
      report.error('called-runbook-invalid', at, `the called runbook has errors; the first: ${first ? formatDiagnostic(first) : file}`);
      return;
    }
    checkInputs(report, i, call.name, call.inputs ?? {}, callee.runbook);
    outputs.set(step.id, { name: call.name, declared: Object.keys(callee.runbook.doc.outputs ?? {}) });
    const given = handed.get(step.id);
    if (given) secretOuts.set(step.id, secretOutputs(callee.runbook.doc, given));
    nested.push(...checkCalls(callee.runbook, read, [...stack, file]));
  });
  checkOutputReads(runbook, outputs, report);
  // Routes on the outputs a callee computes from a secret it was handed: known only here, where it was read (the
  // rest of the route check ran with the runbook's own validation).
  const routes = new Reporter(runbook.file, runbook.map);
  checkSecretRoutes(runbook.doc, routes, secretOuts);
  report.diagnostics.push(...routes.diagnostics.filter((d) => d.message.includes(CALL_OUTPUT_FINDING)));
  return [...report.diagnostics, ...nested];
}

/** `steps.<call>.outputs.<name>` (or `<capture>.outputs.<name>`) must name an output the called runbook declares:
 *  anything else reads as null at run time, silently. Only calls whose runbook resolved are checked. */
function checkOutputReads(runbook: Runbook, outputs: Map<string, { name: string; declared: string[] }>, report: Reporter): void {
  if (outputs.size === 0) return;
  const byCapture = new Map(runbook.doc.steps.flatMap((s) => (s.capture && outputs.has(s.id) ? [[s.capture, s.id] as const] : [])));
  for (const site of runbookSites(runbook.doc)) {
    let nodes: { node: Node; offset: number }[];
    try {
      nodes = site.kind === 'expression' ? [{ node: parseExpression(site.text), offset: 0 }]
        : parseTemplate(site.text).flatMap((p) => (p.kind === 'expr' ? [{ node: p.node, offset: p.offset }] : []));
    } catch { continue; } // a parse error has its own diagnostic
    for (const { node, offset } of nodes) {
      for (const chain of memberChains(node)) {
        const [root, ...keys] = chain.keys;
        const stepId = root === 'steps' && keys.length === 3 ? keys[0] : keys.length === 2 ? byCapture.get(root!) : undefined;
        const rest = root === 'steps' ? keys.slice(1) : keys;
        if (stepId === undefined || rest[0] !== 'outputs' || rest.length !== 2) continue;
        const call = outputs.get(stepId);
        const name = rest[1]!;
        if (!call || call.declared.includes(name)) continue;
        const guess = closest(name, call.declared);
        report.at('error', 'unknown-output', site.path, `the called runbook '${call.name}' declares no output '${name}'${guess ? ` — did you mean '${guess}'?` : call.declared.length ? ` (its outputs: ${call.declared.join(', ')})` : ' (it declares none: add outputs: to it)'}`,
          'value', columnShift(site, offset + chain.lastPos, report));
      }
    }
  }
}

/** Every chain of static member reads from a name (`steps.call.outputs.x`, `steps['a-b'].outputs.x`): its keys and
 *  where the last one is written. */
function memberChains(node: Node): { keys: string[]; lastPos: number }[] {
  const out: { keys: string[]; lastPos: number }[] = [];
  const flat = (n: Node): string[] | undefined => {
    if (n.type === 'ident') return [n.name];
    if (n.type === 'member' && n.property.type === 'literal' && typeof n.property.value === 'string') {
      const head = flat(n.object);
      return head ? [...head, n.property.value] : undefined;
    }
    return undefined;
  };
  const walk = (n: Node): void => {
    if (n.type === 'member') {
      const keys = flat(n);
      if (keys) out.push({ keys, lastPos: n.property.pos });
      walk(n.object); walk(n.property);
      return;
    }
    const children = n.type === 'binary' || n.type === 'logical' ? [n.left, n.right] : n.type === 'unary' ? [n.arg]
      : n.type === 'conditional' ? [n.test, n.then, n.else] : n.type === 'call' ? n.args : n.type === 'array' ? n.items : [];
    children.forEach(walk);
  };
  walk(node);
  return out;
}

/** Runbook names beside a file, for did-you-mean. */
function besides(file: string): string[] {
  try {
    return filesIn(dirname(file)).filter(isRunbookFile).map((f) => basename(f).replace(/\.ya?ml$/, ''));
  } catch {
    return [];
  }
}

function checkInputs(report: Reporter, i: number, name: string, given: Record<string, unknown>, callee: Runbook): void {
  const declared = callee.doc.inputs ?? {};
  for (const key of Object.keys(given)) {
    if (hasOwn(declared, key)) continue;
    const guess = closest(key, Object.keys(declared));
    report.error('unknown-input', `/steps/${i}/runbook/inputs/${key}`, `'${key}' is not an input of the called runbook '${name}'${guess ? ` — did you mean '${guess}'?` : ` (its inputs: ${Object.keys(declared).join(', ') || 'none'})`}`, 'key');
  }
  for (const [key, value] of Object.entries(given)) {
    const spec = hasOwn(declared, key) ? declared[key]! : undefined;
    // A literal is checked as the called run would check it; a template's value is known only at run time.
    if (!spec || (typeof value === 'string' && value.includes('${{'))) continue;
    const checked = checkInputValue(key, value as string | number | boolean, spec.type ?? 'string', spec.pattern);
    if (typeof checked === 'string') {
      report.error('input-type', `/steps/${i}/runbook/inputs/${key}`, `${checked.replace(/^input '([^']*)'/, `input '$1' of the called runbook '${name}'`)}, got ${JSON.stringify(value)} (the call would fail only when it starts, after the steps before it ran)`);
    }
  }
  for (const [key, spec] of Object.entries(declared)) {
    // An input with env: may come from the environment at run time; only one nothing can supply is an error.
    if (!spec.required || spec.default !== undefined || spec.env || hasOwn(given, key)) continue;
    report.error('missing-input', `/steps/${i}/runbook/name`, `the called runbook '${name}' requires input '${key}': give it under runbook.inputs`);
  }
}

/** For the validate cache (validate-cache.ts): every file the calls of `runbook` (and of the runbooks it calls)
 *  resolved to, with its sha256, and every place a call looked first and found nothing (null: must stay absent).
 *  Undefined when the result depends on more than files: a call resolved through the catalog (the current
 *  directory, RUNBOOK_PATH) or not at all (its suggestion reads the folder). */
export function callDependencies(runbook: Runbook, read: (file: string) => ReadResult, hash: (file: string) => string | null,
  stack: string[] = [runbook.file]): { file: string; sha256: string | null }[] | undefined {
  const deps: { file: string; sha256: string | null }[] = [];
  for (const step of runbook.doc.steps) {
    const call = step.runbook;
    if (!call) continue;
    const dir = dirname(runbook.file);
    const candidates = call.name.includes('/') || isRunbookFile(call.name) ? [resolve(dir, call.name)]
      : ['.yaml', '.yml'].map((ext) => join(dir, `${call.name}${ext}`));
    const found = candidates.find((f) => existsSync(f));
    if (!found) return undefined;
    for (const f of candidates.slice(0, candidates.indexOf(found))) deps.push({ file: f, sha256: null });
    deps.push({ file: found, sha256: hash(found) });
    if (stack.includes(found)) continue; // a cycle: reported from the bytes alone
    const callee = read(found).runbook;
    if (!callee) continue;
    const nested = callDependencies(callee, read, hash, [...stack, found]);
    if (!nested) return undefined;
    deps.push(...nested);
  }
  return deps;
}
