// `runbook test --from-transcript`: a case written from a real run, so that every incident becomes a regression
// case. The recorded step results become the scripted ones (in order, per attempt and visit), the gate answers the
// case's gates, the run's inputs its inputs, and the path and outcome the run took what the case expects.
import type { StepResult } from '../executors/types.js';
import { FALL_OFF } from '../language/flow.js';
import { UserError } from '../common/errors.js';
import { setOwn } from '../common/own.js';
import type { Transcript } from '../transcript/reader.js';
import { eventsOf } from '../transcript/reader.js';
import type { RunbookDoc } from '../language/schema.js';
import { stepKind } from '../language/flow.js';
import type { CaseDoc, ScriptedResultDoc } from './cases-schema.js';

type Steps = NonNullable<CaseDoc['steps']>;

export function caseFromTranscript(t: Transcript, doc: RunbookDoc): CaseDoc {
  const events = eventsOf(t);
  const started = events.find((e) => e.type === 'run-started');
  const finished = [...events].reverse().find((e) => e.type === 'run-finished');
  if (!started || started.type !== 'run-started') throw new UserError(`${t.path}: the run never started; there is nothing to make a case from`);
  if (!finished || finished.type !== 'run-finished') throw new UserError(`${t.path}: the run has not finished (it was interrupted or is still running): resume it first, or make the case by hand`);
  if (finished.outcome === 'interrupted') throw new UserError(`${t.path}: the run was interrupted; continue it with runbook resume, then make the case from its transcript`);
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  const calls = new Set<string>();   // calling steps whose called runbook's steps are scripted (so it runs)
  const results = new Map<string, StepResult[]>();
  const gates: Record<string, 'yes' | 'skip' | 'abort'> = {};
  const path: string[] = [];
  for (const e of events) {
    if (e.type === 'step-started' && path.length === 0 && !e.stepId.includes('/')) path.push(e.stepId);
    else if (e.type === 'step-finished') {
      if (e.result.status === 'aborted' || e.result.status === 'skipped') continue; // cut short, or not run: nothing to pretend
      const top = e.stepId.split('/')[0]!;
      if (e.stepId.includes('/')) calls.add(top);
      else if (byId.get(e.stepId) && stepKind(byId.get(e.stepId)!) === 'vars') continue; // computed, never scripted
      results.set(e.stepId, [...(results.get(e.stepId) ?? []), e.result]);
    } else if (e.type === 'confirmation-answered' && e.how !== 'dry-run') setOwn(gates, e.stepId, e.answer);
    else if (e.type === 'branch' && !e.from.includes('/') && e.to !== FALL_OFF && byId.has(e.to)) path.push(e.to);
  }
  const steps: Steps = {};
  for (const [id, list] of results) {
    // A call whose called runbook's steps are recorded runs again in the case, on those results.
    if (calls.has(id)) continue;
    const scripted = list.map(scriptedOf);
    setOwn(steps, id, scripted.length === 1 ? scripted[0]! : scripted);
  }
  const when = started.ts.slice(0, 16).replace('T', ' ');
  const masked = Object.entries(started.inputs).filter(([, v]) => typeof v === 'string' && v.includes('****')).map(([k]) => k);
  return {
    name: `${finished.outcome} at ${path[path.length - 1] ?? 'the start'}: run ${started.runId.slice(0, 8)} (${when} UTC)`,
    description: `Written by runbook test --from-transcript from ${t.path}.${masked.length ? ` Recorded masked: ${masked.join(', ')} (the case runs nothing, so the masked text stands in).` : ''}`,
    ...(Object.keys(started.inputs).length ? { inputs: inputsOf(started.inputs) } : {}),
    ...(Object.keys(steps).length ? { steps } : {}),
    ...(Object.keys(gates).length ? { gates } : {}),
    ...(started.dryRun ? { dry_run: true } : {}),
    path: path.length ? path : [doc.steps[0]!.id],
    outcome: finished.outcome,
    ...(finished.message && !finished.message.includes('****') ? { message: finished.message } : {}),
  };
}

function inputsOf(inputs: Record<string, unknown>): NonNullable<CaseDoc['inputs']> {
  const out: NonNullable<CaseDoc['inputs']> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') setOwn(out, k, v);
  }
  return out;
}

/** The recorded result as a scripted one: the fields expressions and routes read, nothing about timing. */
function scriptedOf(r: StepResult): ScriptedResultDoc {
  const out: ScriptedResultDoc = {};
  if (r.status === 'ok' || r.status === 'failed' || r.status === 'timeout') out.status = r.status;
  if (r.exitCode !== undefined) out.exitCode = r.exitCode;
  if (r.stdout) out.stdout = r.stdout;
  if (r.stderr) out.stderr = r.stderr;
  if (r.rows) out.rows = r.rows;
  if (r.rowCount !== undefined && r.rowCount !== (r.rows?.length ?? 0)) out.rowCount = r.rowCount;
  if (r.columns && r.rows && r.columns.join() !== Object.keys(r.rows[0] ?? {}).join()) out.columns = r.columns;
  if (r.classification) out.classification = r.classification;
  if (r.value !== undefined && r.value !== 'dry-run') out.value = r.value;
  if (r.error && r.status !== 'ok') out.error = r.error;
  if (r.details) out.details = r.details;
  return out;
}
