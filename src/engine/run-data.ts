// The run's data as the machine carries it (MachineContext): what a run starts from, fresh or resumed, and the
// runbook's declared `outputs` evaluated over it as the run ended.
import { evaluateFlow, parseExpression, type Taint } from '../language/expression/index.js';
import { markSecretVars } from '../secrets/step-taint.js';
import type { RunbookDoc } from '../language/schema.js';
import { setOwn } from '../common/own.js';
import type { MachineContext } from './machine-types.js';
import type { ResumeState } from './run-options.js';
import { scopeOf } from './scope.js';
import { recomputeVars } from './vars.js';

/** A fresh run's context, or a resumed one's: its recorded data, with the step in flight marked to run again
 *  (unless it had finished, or never started behind its gate). */
export function startContext(doc: RunbookDoc, inputs: Record<string, unknown>, dryRun: boolean, resume: ResumeState | undefined, taint: Taint): MachineContext {
  const connections = Object.fromEntries(Object.entries(doc.connections ?? {}).map(([k, c]) => [k, c.url]));
  if (!resume) return { inputs, results: {}, captures: {}, visits: {}, dryRun, connections };
  const ran = Object.entries(resume.context.results).filter(([, r]) => r.status !== 'skipped').map(([id]) => id);
  const context: MachineContext = {
    ...resume.context, dryRun, connections, ...(ran.length ? { ranBeforeResume: ran } : {}),
    ...(resume.phase === 'route' || resume.started === false ? {} : { resumedStep: resume.stepId }),
  };
  // Recorded vars hold masked text where they came from secrets: computed again from the same data.
  recomputeVars(doc, context.results, (results) => scopeOf({ ...context, results }, undefined, taint));
  return context;
}

/** Real values (the caller's publish masks them). A value that cannot be evaluated is null, so one bad output
 *  does not hide the others. The names computed from a secret are marked (step-taint.ts secretVarsOf): the caller
 *  withholds them by where they came from, as a 2-digit piece of a PIN is no value its redactor can mask (a probe
 *  of stop 78 had a callee hand `split(inputs.pin, '')[2] + split(inputs.pin, '')[3]` back, shown in clear). */
export function runOutputs(doc: RunbookDoc, context: MachineContext, taint: Taint): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const secret: string[] = [];
  const scope = scopeOf(context, undefined, taint);
  for (const [name, text] of Object.entries(doc.outputs ?? {})) {
    let value: unknown = null;
    try {
      const flow = evaluateFlow(parseExpression(text), scope);
      value = flow.value ?? null;
      if (flow.tainted) secret.push(name);
    } catch { /* null */ }
    setOwn(out, name, value);
  }
  markSecretVars(out, secret);
  return out;
}
