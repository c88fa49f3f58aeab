// `runbook test --from-transcript`: a case written from a real run, so that every incident becomes a regression
// case. The recorded step results become the scripted ones (in order, per attempt and visit), the gate answers the
// case's gates, the run's inputs its inputs, and the path and outcome the run took what the case expects.
import type { StepResult } from '../executors/types.js';
import { FALL_OFF } from '../language/flow.js';
import { UserError } from '../common/errors.js';
import { setOwn } from '../common/own.js';
import { MASK } from '../secrets/redactor.js';
import type { Transcript } from '../transcript/reader.js';
import { eventsOf } from '../transcript/reader.js';
import { OUTCOMES, type RunbookDoc, type StepDoc } from '../language/schema.js';
import { stepById, stepKind } from '../language/flow.js';
import type { Runbook } from '../language/runbook.js';
import type { CaseDoc, ScriptedResultDoc } from './cases-schema.js';
import { calledRunbook, nestedStep } from './called.js';
import { FILL_IN } from './fill-in.js';
import { DryRunShown } from '../engine/step-counts.js';

type Steps = NonNullable<CaseDoc['steps']>;

export function caseFromTranscript(t: Transcript, runbook: Runbook): CaseDoc {
  const { doc } = runbook;
  const events = eventsOf(t);
  const started = events.find((e) => e.type === 'run-started');
  const finished = [...events].reverse().find((e) => e.type === 'run-finished');
  if (!started || started.type !== 'run-started') throw new UserError(`${t.path}: the run never started; there is nothing to make a case from`);
  if (!finished || finished.type !== 'run-finished') throw new UserError(`${t.path}: the run has not finished (it was interrupted or is still running): resume it first, or make the case by hand`);
  if (finished.outcome === 'interrupted') throw new UserError(`${t.path}: the run was interrupted; continue it with runbook resume, then make the case from its transcript`);
  const { results, gates, path, unanswered } = replay(events, runbook);
  const steps: Steps = {};
  for (const [id, scripted] of results) setOwn(steps, id, scripted.length === 1 ? scripted[0]! : scripted);
  // A question the run stopped at with no answer: the case cannot know the answer, so the author is asked for it.
  for (const id of unanswered) setOwn<ScriptedResultDoc | ScriptedResultDoc[]>(steps, id, { value: fillIn(id, stepAt(runbook, id)) });
  const when = started.ts.slice(0, 16).replace('T', ' ');
  const masked = [...Object.entries(started.inputs).filter(([, v]) => typeof v === 'string' && v.includes(MASK)).map(([k]) => k),
    ...[...results].filter(([, list]) => list.some((r) => r.value === MASK)).map(([id]) => `the answer to ${id}`)];
  const inputs = withEngines(inputsOf(started.inputs), doc, recordedEngines(events));
  const schemes = Object.entries(inputs).filter(([k, v]) => typeof v === 'string' && v !== started.inputs[k]).map(([k]) => k);
  return {
    name: `${finished.outcome} at ${path[path.length - 1] ?? 'the start'}: run ${started.runId.slice(0, 8)} (${when} UTC)`,
    description: `Written by runbook test --from-transcript from ${t.path}.${masked.length ? ` Recorded masked: ${masked.join(', ')} (the case runs nothing, so the masked text stands in`
      + `${schemes.length ? `; ${schemes.join(', ')} keep${schemes.length === 1 ? 's' : ''} the scheme the run connected with, so engine() answers as it did` : ''}).` : ''}`
      + `${unanswered.length ? ` The run stopped at ${unanswered.join(', ')} without an answer: fill in the answer the operator would give, then the path and outcome it leads to (runbook test prints the path the run takes).` : ''}`,
    ...(Object.keys(started.inputs).length ? { inputs } : {}),
    ...(Object.keys(steps).length ? { steps } : {}),
    ...(Object.keys(gates).length ? { gates } : {}),
    ...(started.dryRun ? { dry_run: true } : {}),
    path: path.length ? path : [doc.steps[0]!.id],
    outcome: finished.outcome,
    ...(finished.message && !finished.message.includes(MASK) && !unanswered.length ? { message: finished.message } : {}),
  };
}

interface Recorded { results: Map<string, ScriptedResultDoc[]>; gates: Record<string, 'yes' | 'skip' | 'abort'>; path: string[]; unanswered: string[] }

const stepAt = (runbook: Runbook, id: string) => (id.includes('/') ? nestedStep(id, runbook.doc, runbook.file) : stepById(runbook.doc, id));

/** The run's events as a case sees them: each step's recorded results (per attempt and visit), the gate answers,
 *  and the path of the top-level steps. */
function replay(events: ReturnType<typeof eventsOf>, runbook: Runbook): Recorded {
  const { doc } = runbook;
  const results = new Map<string, ScriptedResultDoc[]>();
  const items = new Map<string, ScriptedResultDoc[]>();   // a for_each step's items, per visit
  const gates: Recorded['gates'] = {};
  const path: string[] = [];
  const asked = new Set<string>();
  const dry = new DryRunShown();
  for (const e of events) {
    const shown = dry.take(e);
    if (e.type === 'question-asked') asked.add(e.question.stepId);
    else if (e.type === 'question-answered') asked.delete(e.stepId);
    if (e.type === 'step-started' && path.length === 0 && !e.stepId.includes('/')) path.push(e.stepId);
    else if (e.type === 'item-finished') (items.get(e.stepId) ?? items.set(e.stepId, []).get(e.stepId)!)[e.index] = scriptedOf(e.result, shown);
    else if (e.type === 'step-finished') {
      const step = stepAt(runbook, e.stepId);
      const loop = step?.for_each ? items.get(e.stepId) : undefined;
      items.delete(e.stepId);
      if (e.result.status === 'aborted' || e.result.status === 'skipped') continue; // cut short, or not run: nothing to pretend
      // Computed from the results before them, never scripted: vars steps, and calls whose called runbook ran
      // (the case runs it again on its own steps' recorded results, so its outputs are computed again too).
      if (step && (stepKind(step) === 'vars' || (stepKind(step) === 'runbook' && calledRan(e.result, e.stepId, doc, runbook.file)))) continue;
      // A for_each step's result follows from its items: each item's recorded result is scripted.
      const scripted = loop ? { items: [...loop].map((r) => r ?? { status: 'ok' as const }) } : scriptedOf(e.result, shown);
      results.set(e.stepId, [...(results.get(e.stepId) ?? []), scripted]);
    } else if (e.type === 'confirmation-answered' && e.how !== 'dry-run') setOwn(gates, e.stepId, e.answer);
    else if (e.type === 'branch' && !e.from.includes('/') && e.to !== FALL_OFF && stepById(doc, e.to)) path.push(e.to);
  }
  return { results, gates, path, unanswered: [...asked].filter((id) => !results.has(id)) };
}


function fillIn(id: string, step: StepDoc | undefined): string {
  const choices = typeof step?.manual === 'object' ? step.manual.choices : step?.prompt?.choices;
  return `${FILL_IN}: the answer to ${id}${choices ? `, one of ${choices.join(', ')}` : ''}>`;
}

/** The engine each connection of the run reached or would reach, by name (top-level connections only): from the
 *  addresses recorded as the run started, else from the first contact. Never a secret: a scheme, not a URL. */
function recordedEngines(events: ReturnType<typeof eventsOf>): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'connection-addresses' && !e.calledFrom) for (const [name, a] of Object.entries(e.connections)) out.set(name, a.engine);
    else if (e.type === 'target-identified' && !e.stepId.includes('/') && e.target.engine !== 'host' && !out.has(e.connection)) out.set(e.connection, e.target.engine);
  }
  return out;
}

/** A connection whose URL is one input, recorded masked (a secret URL): the case's stand-in keeps the scheme the
 *  run used (`mysql://****`), so engine('db') in the case is what it was in the run, and so is every branch on it. */
function withEngines(inputs: NonNullable<CaseDoc['inputs']>, doc: RunbookDoc, engines: Map<string, string>): NonNullable<CaseDoc['inputs']> {
  for (const [name, conn] of Object.entries(doc.connections ?? {})) {
    const input = /^\s*\$\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$/.exec(conn.url)?.[1];
    const engine = engines.get(name);
    const value = input === undefined ? undefined : inputs[input];
    if (engine === undefined || typeof value !== 'string' || !value.includes(MASK) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    setOwn<string | number | boolean>(inputs, input!, `${engine}://${MASK}`);
  }
  return inputs;
}

function inputsOf(inputs: Record<string, unknown>): NonNullable<CaseDoc['inputs']> {
  const out: NonNullable<CaseDoc['inputs']> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') setOwn(out, k, v);
  }
  return out;
}

/** The called runbook ran to one of its ends (the result's value is its outcome) and loads from here: the case
 *  runs it again rather than pretending its outcome. `id` may be nested (`call/…/step`). */
function calledRan(r: StepResult, id: string, doc: RunbookDoc, file: string): boolean {
  if (!(OUTCOMES as readonly string[]).includes(r.value ?? '')) return false;
  let at: { doc: RunbookDoc; file: string } | undefined = { doc, file };
  for (const part of id.split('/')) {
    const step: StepDoc | undefined = at ? stepById(at.doc, part) : undefined;
    at = step?.runbook && at ? calledRunbook(step, at.file) : undefined;
  }
  return at !== undefined;
}

/** The recorded result as a scripted one: the fields expressions and routes read, nothing about timing. A dry
 *  run's stand-in (`shown`: known by its events) keeps no value; a real answer or output `dry-run` is kept. */
function scriptedOf(r: Omit<StepResult, 'items'>, shown: boolean): ScriptedResultDoc {
  const out: ScriptedResultDoc = {};
  if (r.status === 'ok' || r.status === 'failed' || r.status === 'timeout') out.status = r.status;
  if (r.exitCode !== undefined) out.exitCode = r.exitCode;
  if (r.stdout) out.stdout = r.stdout;
  if (r.stderr) out.stderr = r.stderr;
  if (r.rows) out.rows = r.rows;
  if (r.rowCount !== undefined && r.rowCount !== (r.rows?.length ?? 0)) out.rowCount = r.rowCount;
  if (r.columns && r.rows && r.columns.join() !== Object.keys(r.rows[0] ?? {}).join()) out.columns = r.columns;
  if (r.classification) out.classification = r.classification;
  if (r.value !== undefined && !shown) out.value = r.value;
  if (r.error && r.status !== 'ok') out.error = r.error;
  if (r.details) out.details = r.details;
  return out;
}
