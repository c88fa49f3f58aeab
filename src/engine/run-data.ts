// The run's data as the machine carries it (MachineContext): what a run starts from, fresh or resumed, and the
// runbook's declared `outputs` evaluated over it as the run ended.
import { evaluate, parseExpression, type Taint } from '../language/expression/index.js';
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
 *  does not hide the others. */
export function runOutputs(doc: RunbookDoc, context: MachineContext, taint: Taint): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const scope = scopeOf(context, undefined, taint);
  for (const [name, text] of Object.entries(doc.outputs ?? {})) {
    let value: unknown = null;
    try { value = evaluate(parseExpression(text), scope) ?? null; } catch { /* null */ }
    setOwn(out, name, value);
  }
  return out;
}
