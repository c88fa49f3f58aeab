// The `runbook` step kind: a called runbook runs in-process with its own executors, its gates and questions
// surfacing in the calling run, its outcome becoming the calling step's result (branch on it with `on`).
import type { StepResult } from '../executors/types.js';
import type { StepDoc } from '../language/schema.js';
import type { Runbook } from '../language/runbook.js';
import type { Redactor } from '../secrets/redactor.js';
import { resolveInputs } from '../engine/inputs.js';
import { Run } from '../engine/run.js';
import { finishCalled } from '../engine/called-run.js';
import { createExecutors } from '../executors/index.js';
import { loadRunbook } from './load-runbook.js';
import { resolveCalled } from '../catalog/called-runbooks.js';

const MAX_DEPTH = 5;

/** env: the run's environment (with --env-file), for the called runbook's inputs and database credentials. */
export function runbookCaller(parent: () => Run, caller: Runbook, redactor: Redactor, dryRun: boolean, depth = 0, env: NodeJS.ProcessEnv = process.env) {
  return async (step: StepDoc, inputs: Record<string, string>, signal: AbortSignal): Promise<StepResult> => {
    const started = Date.now();
    const fail = (error: string): StepResult => ({ status: 'failed', durationMs: Date.now() - started, error: redactor.mask(error) });
    if (depth >= MAX_DEPTH) return fail(`runbooks call each other more than ${MAX_DEPTH} deep`);
    let runbook: Runbook;
    try {
      const name = step.runbook!.name;
      runbook = loadRunbook(resolveCalled(name, caller.file) ?? name).runbook;
    } catch (e) {
      return fail(`cannot load runbook '${step.runbook!.name}': ${(e as Error).message}`);
    }
    const { values, problems } = resolveInputs(runbook.doc, inputs, env, redactor);
    if (problems.length) return fail(problems.map((p) => p.message).join('; '));
    const executors = createExecutors({ env });
    // Continuing an interrupted run inside this called runbook: what finished in it is not run again.
    const resumed = parent().takeNestedResume(step.id);
    const child: Run = new Run({
      runbook, inputs: values, redactor, executors, dryRun, targets: parent().targets.child(step.id),
      ...(resumed ? { resume: { ...resumed, context: { ...resumed.context, inputs: values } } } : {}),
      callRunbook: runbookCaller(() => child, runbook, redactor, dryRun, depth + 1, env),
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
