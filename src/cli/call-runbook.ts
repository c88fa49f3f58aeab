// The `runbook` step kind: a called runbook runs in-process with its own executors, its gates and questions
// surfacing in the calling run, its outcome becoming the calling step's result (branch on it with `on`).
import type { StepResult } from '../executors/types.js';
import type { StepDoc } from '../language/schema.js';
import type { Runbook } from '../language/runbook.js';
import type { Redactor } from '../secrets/redactor.js';
import { markSecretInputs, resolveInputs } from '../engine/inputs.js';
import { inputVariables } from '../engine/prepare.js';
import { readRunbook } from '../language/runbook.js';
import { Run } from '../engine/run.js';
import { finishCalled } from '../engine/called-run.js';
import { createExecutors, type BeforeAct } from '../executors/index.js';
import { loadRunbook } from '../catalog/load-runbook.js';
import { resolveCalled } from '../catalog/called-runbooks.js';
import { calleeKey } from '../catalog/called-files.js';

const MAX_DEPTH = 5;

/** env: the run's environment (with --env-file), for the called runbook's inputs and database credentials.
 *  withheld: the input variables of every runbook of the run (runVariables): a called runbook's scripts inherit
 *  none of the variables any runbook up or down the calls reads its inputs from (PARENT_TOKEN), as the caller's
 *  own scripts do not. pinned: a resumed run's callees (catalog/called-files.ts calleeKey → file), the files the
 *  run loaded, never looked up by name again (resume/callees.ts). */
export function runbookCaller(parent: () => Run, caller: Runbook, redactor: Redactor, dryRun: boolean, depth = 0,
  env: NodeJS.ProcessEnv = process.env, withheld: readonly string[] = [], beforeAct?: BeforeAct, pinned?: ReadonlyMap<string, string>) {
  const chain = [...new Set([...withheld, ...runVariables(caller)])];
  return async (step: StepDoc, inputs: Record<string, string>, signal: AbortSignal, secretInputs: readonly string[] = []): Promise<StepResult> => {
    const started = Date.now();
    const fail = (error: string): StepResult => ({ status: 'failed', durationMs: Date.now() - started, error: redactor.mask(error) });
    if (depth >= MAX_DEPTH) return fail(`runbooks call each other more than ${MAX_DEPTH} deep`);
    let runbook: Runbook;
    try {
      const name = step.runbook!.name;
      runbook = loadRunbook(pinned?.get(calleeKey(caller.file, step.id)) ?? resolveCalled(name, caller.file) ?? name).runbook;
    } catch (e) {
      return fail(`cannot load runbook '${step.runbook!.name}': ${(e as Error).message}`);
    }
    const { values, problems } = resolveInputs(runbook.doc, inputs, env, redactor);
    if (problems.length) return fail(problems.map((p) => p.message).join('; '));
    markSecretInputs(values, secretInputs);
    const executors = createExecutors({ env, withheld: chain, ...(beforeAct ? { beforeAct } : {}) });
    // Continuing an interrupted run inside this called runbook: what finished in it is not run again.
    const resumed = parent().takeNestedResume(step.id);
    const child: Run = new Run({
      runbook, inputs: values, redactor, executors, dryRun, targets: parent().targets.child(step.id), env, skip: parent().skipsUnder(step.id), called: true, written: parent().written,
      ...(resumed ? { resume: { ...resumed, context: { ...resumed.context, inputs: values } } } : {}),
      callRunbook: runbookCaller(() => child, runbook, redactor, dryRun, depth + 1, env, chain, beforeAct, pinned),
    });
    const release = parent().adopt(child, step.id);
    // The calling run stopped (aborted, interrupted): the called one stops the same way.
    const onAbort = () => child.abort('The calling run was stopped.', parent().stopping ?? 'aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await finishCalled(child, parent(), signal, runbook.doc.outputs !== undefined, started);
    } finally {
      signal.removeEventListener('abort', onAbort);
      release();
      await executors.close();
    }
  };
}

/** The variables every runbook of a run reads its inputs from: the runbook's own and those of every runbook it
 *  calls, at any depth (what a called runbook reads is a secret the caller's scripts must not inherit either). */
export function runVariables(runbook: Runbook, seen = new Set<string>()): string[] {
  if (seen.has(runbook.file) || seen.size > 50) return [];
  seen.add(runbook.file);
  const out = inputVariables(runbook.doc);
  for (const step of runbook.doc.steps) {
    const file = step.runbook ? resolveCalled(step.runbook.name, runbook.file) : undefined;
    const called = file ? readRunbook(file).runbook : undefined;
    if (called) out.push(...runVariables(called, seen));
  }
  return [...new Set(out)];
}
