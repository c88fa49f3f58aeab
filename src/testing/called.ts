// `runbook test` and `runbook:` steps: a call the case does not script runs the called runbook through the real
// engine too, against its own scripted results, given in the caller's case under qualified ids
// (`<call>/<step>`, as the transcript and --approve name them; deeper calls `<call>/<inner-call>/<step>`).
// A case that scripts the call step itself (`<call>: { value: escalate }`) pretends the outcome instead.
import type { StepResult } from '../executors/types.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import { readRunbook, type Runbook } from '../language/runbook.js';
import type { Redactor } from '../secrets/redactor.js';
import { Run } from '../engine/run.js';
import { finishCalled } from '../engine/called-run.js';
import { resolveCalled } from '../catalog/called-runbooks.js';
import { own } from '../common/own.js';
import type { CaseDoc } from './cases-schema.js';
import { instantDoc } from './instant.js';
import { Script } from './script.js';
import { caseInputs } from './case-inputs.js';

const MAX_DEPTH = 5;

/** The entries of `steps` under `<prefix>/`, with the prefix taken off. */
export function nestedSteps(steps: CaseDoc['steps'], prefix: string): NonNullable<CaseDoc['steps']> {
  const out: NonNullable<CaseDoc['steps']> = {};
  for (const [k, v] of Object.entries(steps ?? {})) {
    if (k.startsWith(`${prefix}/`)) Object.defineProperty(out, k.slice(prefix.length + 1), { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The called runbook of a `runbook:` step, resolved as a real run resolves it; undefined if it does not load. */
export function calledRunbook(step: StepDoc, callerFile: string): Runbook | undefined {
  const file = resolveCalled(step.runbook!.name, callerFile);
  return file ? readRunbook(file).runbook : undefined;
}

/** `call/step` (and `call/inner/step`): a step of the runbook a `runbook:` step calls. */
export function nestedStep(id: string, doc: RunbookDoc, runbookFile: string | undefined): StepDoc | undefined {
  const slash = id.indexOf('/');
  const call = doc.steps.find((s) => s.id === id.slice(0, slash));
  if (!call?.runbook || runbookFile === undefined) return undefined;
  const called = calledRunbook(call, runbookFile);
  if (!called) return undefined;
  const rest = id.slice(slash + 1);
  return rest.includes('/') ? nestedStep(rest, called.doc, called.file) : called.doc.steps.find((s) => s.id === rest);
}

export interface CallSinks { defaulted: Set<string>; problems: string[] }

/** The callRunbook of a case's run at `prefix` (the qualified id of the runbook it runs, '' at the top). */
export function scriptedCaller(parent: () => Run, caller: Runbook, script: Script, steps: CaseDoc['steps'], redactor: Redactor,
  dryRun: boolean, sinks: CallSinks, prefix = '', depth = 0) {
  return async (step: StepDoc, inputs: Record<string, string>, signal: AbortSignal): Promise<StepResult> => {
    const qualified = `${prefix}${step.id}`;
    // Scripted outright: the case pretends the called runbook's outcome.
    if (own(steps ?? {}, step.id) !== undefined) return script.callRunbook(step);
    const started = Date.now();
    const fail = (error: string): StepResult => ({ status: 'failed', durationMs: Date.now() - started, classification: 'other', error });
    if (depth >= MAX_DEPTH) return fail(`runbooks call each other more than ${MAX_DEPTH} deep`);
    const runbook = calledRunbook(step, caller.file);
    if (!runbook) return fail(`runbook test: cannot load the called runbook '${step.runbook!.name}'`);
    const { values, problems } = caseInputs(runbook.doc, inputs, redactor, true);
    if (problems.length) return fail(problems.map((p) => p.message).join('; '));
    const inner = nestedSteps(steps, step.id);
    const childScript = new Script(inner);
    const child: Run = new Run({
      runbook: { ...runbook, doc: instantDoc(runbook.doc) }, inputs: values, redactor, executors: childScript.executors, operator: 'runbook-test',
      dryRun, canSandbox: () => true, called: true,
      callRunbook: scriptedCaller(() => child, runbook, childScript, inner, redactor, dryRun, sinks, `${qualified}/`, depth + 1),
    });
    child.on((e) => { if (e.type === 'step-started') childScript.started(e.stepId); });
    const release = parent().adopt(child, step.id);
    const onAbort = () => child.abort('The calling run was stopped.', parent().stopping ?? 'aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await finishCalled(child, parent(), signal, runbook.doc.outputs !== undefined, started);
      for (const id of childScript.defaulted) sinks.defaulted.add(`${qualified}/${id}`);
      sinks.problems.push(...childScript.problems.map((p) => p.replace(/step '([^']+)'/g, `step '${qualified}/$1'`).replace(/steps: \{ ([^:]+):/, `steps: { ${qualified}/$1:`)));
      return result;
    } finally {
      signal.removeEventListener('abort', onAbort);
      release();
    }
  };
}
