// One case through the real engine: the runbook's compiled machine and step runner, with the case's
// scripted executors and gate answers. Returns what happened; judging it is compare.ts's job.
import type { StepResult } from '../executors/types.js';
import type { RunOutcome } from '../engine/events.js';
import { Run } from '../engine/run.js';
import { FALL_OFF } from '../language/flow.js';
import type { Runbook } from '../language/runbook.js';
import { Redactor } from '../secrets/redactor.js';
import type { CaseDoc, CasesFileDoc } from './cases-schema.js';
import { routeTaken, type Route } from './coverage.js';
import { instantDoc } from './instant.js';
import { Script } from './script.js';
import { caseInputs } from './case-inputs.js';
import { scriptedCaller, type CallSinks } from './called.js';

export interface CaseRun {
  path: string[];
  outcome: RunOutcome;
  message: string;
  /** Route keys taken (coverage). */
  taken: string[];
  /** Steps that ran on a default result (no script in the case). */
  defaulted: string[];
  problems: string[];
}

/** A stuck case (it should not happen: loops are bounded by max_visits) must not hang the suite. */
const CASE_LIMIT_MS = 30_000;

export async function runCase(runbook: Runbook, file: CasesFileDoc, c: CaseDoc, routes: Route[]): Promise<CaseRun> {
  const doc = instantDoc(runbook.doc);
  const redactor = new Redactor();
  const given = Object.fromEntries(Object.entries({ ...file.inputs, ...c.inputs }).map(([k, v]) => [k, String(v)]));
  const { values } = caseInputs(doc, given, redactor);
  const script = new Script(c.steps);
  const sinks: CallSinks = { defaulted: new Set(), problems: [] };
  const run: Run = new Run({
    runbook: { ...runbook, doc }, inputs: values, redactor, executors: script.executors, operator: 'runbook-test',
    dryRun: c.dry_run ?? false, callRunbook: scriptedCaller(() => run, runbook, script, c.steps, redactor, c.dry_run ?? false, sinks),
    canSandbox: () => true, // the case's script stands in for the sandboxed run, the same on every machine
  });
  const path = [doc.steps[0]!.id];
  const taken: string[] = [];
  const last = new Map<string, StepResult>();
  run.on((e) => {
    if (e.type === 'step-started') script.started(e.stepId);
    else if (e.type === 'step-finished') last.set(e.stepId, e.result);
    else if (e.type === 'step-skipped') last.set(e.stepId, { status: 'skipped', durationMs: 0 });
    else if (e.type === 'confirmation-requested' && !c.dry_run) run.confirm(e.stepId, c.gates?.[e.stepId] ?? 'yes', 'flag');
    else if (e.type === 'branch') {
      if (e.to !== FALL_OFF && doc.steps.some((s) => s.id === e.to)) path.push(e.to);
      const route = routeTaken(routes, e, last.get(e.from));
      if (route) taken.push(route.key);
    }
  });
  const limit = setTimeout(() => run.abort(`runbook test: the case did not finish within ${CASE_LIMIT_MS / 1000}s`, 'failed'), CASE_LIMIT_MS);
  try {
    const finished = await run.start();
    return { path, outcome: finished.outcome, message: finished.message, taken, defaulted: [...script.defaulted, ...sinks.defaulted], problems: [...script.problems, ...sinks.problems] };
  } finally {
    clearTimeout(limit);
  }
}
