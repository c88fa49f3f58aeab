// What the schema cannot say about a cases file: every step id, input and answer must fit the runbook
// under test. Each message names the fix.
import { FILL_IN } from './fill-in.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import { stepKind } from '../language/flow.js';
import { childPath } from '../language/source-map.js';
import { didYouMean } from '../language/suggest.js';
import type { Reporter } from '../language/validate/context.js';
import { MASK, Redactor } from '../secrets/redactor.js';
import type { CaseDoc, CasesFileDoc, ScriptedResultDoc } from './cases-schema.js';
import { calledRunbook, nestedStep } from './called.js';
import { caseInputs } from './case-inputs.js';

export function checkCases(file: CasesFileDoc, doc: RunbookDoc, report: Reporter, runbookFile?: string): void {
  const ids = doc.steps.map((s) => s.id);
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  checkInputNames(file.inputs, '/inputs', doc, report);
  const names = new Map<string, number>();
  file.cases.forEach((c, i) => {
    const base = `/cases/${i}`;
    const first = names.get(c.name);
    if (first !== undefined) report.error('duplicate-case', `${base}/name`, `case name '${c.name}' is used twice (first in case ${first + 1}); names must be unique`);
    else names.set(c.name, i);
    const label = ` in case '${c.name}'`;
    const stepRef = (id: string, path: string, where: 'key' | 'value') => {
      if (byId.has(id)) return true;
      if (id.includes('/') && where === 'key') return nestedRef(id, path, doc, runbookFile, label, report);
      const captured = doc.steps.find((s) => s.capture === id);
      const hint = captured ? ` — '${id}' is the capture name of step '${captured.id}'; use the step id` : didYouMean(id, ids);
      report.error('unknown-step', path, `unknown step '${id}'${label}${hint}`, where);
      return false;
    };
    checkInputNames(c.inputs, `${base}/inputs`, doc, report);
    checkInputValues({ ...file.inputs, ...c.inputs }, base, c, doc, report);
    for (const [id, script] of Object.entries(c.steps ?? {})) {
      const path = childPath(`${base}/steps`, id);
      if (!stepRef(id, path, 'key')) continue;
      const step = byId.get(id) ?? nestedStep(id, doc, runbookFile);
      if (!step) continue;
      // A resolved end of a runbook that names its application logs in with the application's URL (application-check.ts):
      // that login's result is scripted under the end step's id.
      const checksApp = step.end === 'resolved' && byId.has(id) && doc.application !== undefined;
      if (stepKind(step) === 'end' && !checksApp) report.error('end-scripted', path, `step '${id}' is an end step: it runs nothing, so it takes no result (remove it from steps:${label})`, 'key');
      if (id.includes('/') && Object.hasOwn(c.steps ?? {}, id.split('/')[0]!)) {
        report.warn('unused-script', path, `'${id}' is never used${label}: the call step '${id.split('/')[0]}' is scripted itself, so the runbook it calls does not run (remove one of the two)`, 'key');
      }
      if (stepKind(step) === 'vars') report.error('vars-scripted', path, `step '${id}' is a vars step: it computes its values from the scripted results before it, so it takes no result (remove it from steps:${label})`, 'key');
      (Array.isArray(script) ? script : [script]).forEach((r, j) => checkAnswer(step, r, Array.isArray(script) ? `${path}/${j}` : path, label, report));
    }
    for (const id of Object.keys(c.gates ?? {})) {
      const path = childPath(`${base}/gates`, id);
      if (stepRef(id, path, 'key') && (byId.get(id) ?? nestedStep(id, doc, runbookFile))?.destructive !== true) {
        report.error('not-destructive', path, `step '${id}' is not destructive, so it has no gate to answer (remove it from gates:${label})`, 'key');
      }
    }
    c.path.forEach((id, j) => stepRef(id, `${base}/path/${j}`, 'value'));
    if (c.path[0] !== undefined && byId.has(c.path[0]) && c.path[0] !== ids[0]) {
      report.error('path-start', `${base}/path/0`, `the path of case '${c.name}' must start at the first step '${ids[0]}': every run starts there`);
    }
  });
}

function checkInputNames(inputs: Record<string, unknown> | undefined, base: string, doc: RunbookDoc, report: Reporter): void {
  const declared = Object.keys(doc.inputs ?? {});
  for (const name of Object.keys(inputs ?? {})) {
    if (!declared.includes(name)) {
      report.error('unknown-input', childPath(base, name), `unknown input '${name}'${didYouMean(name, declared)} (the runbook takes: ${declared.join(', ') || 'no inputs'})`, 'key');
    }
  }
}

/** The same input rules as `runbook run`, except that the environment is never read: cases are hermetic. */
function checkInputValues(given: Record<string, string | number | boolean>, base: string, c: CaseDoc, doc: RunbookDoc, report: Reporter): void {
  const known = Object.fromEntries(Object.entries(given).filter(([k]) => k in (doc.inputs ?? {})).map(([k, v]) => [k, String(v)]));
  // A secret input recorded masked (--from-transcript) stands in for the real value, as when the case runs.
  for (const p of caseInputs(doc, known, new Redactor()).problems) {
    const message = p.message.startsWith('missing input')
      ? `case '${c.name}' needs input '${p.input}': add it under inputs: of the case, or at the top of the file for every case`
      : `${p.message} (case '${c.name}')`;
    report.error('case-input', c.inputs?.[p.input] !== undefined ? childPath(`${base}/inputs`, p.input) : `${base}/name`, message);
  }
}

/** A scripted answer must be one the real manual or prompt step would accept; per-item results need items. */
function checkAnswer(step: StepDoc, r: ScriptedResultDoc, path: string, label: string, report: Reporter): void {
  if (r.items !== undefined && !step.for_each) {
    report.error('items-not-loop', `${path}/items`, `step '${step.id}' has no for_each, so it has no items to script${label}: give its result directly (remove items:)`, 'key');
  }
  if (r.value === undefined) return;
  const value = String(r.value);
  // --from-transcript's stand-in for an answer the run never got: the author must give it.
  if (value.startsWith(FILL_IN)) {
    report.error('answer-to-fill-in', `${path}/value`, `the run this case was made from stopped at step '${step.id}' without an answer${label}: replace ${JSON.stringify(value)} with the answer the operator would give, then set path and outcome to where it leads (runbook test prints the path the run takes)`);
    return;
  }
  // A secret answer recorded masked (--from-transcript): it stands in for the real one, which no file holds.
  if (value === MASK && step.prompt?.secret) return;
  const choices = typeof step.manual === 'object' ? step.manual.choices : step.prompt?.choices;
  // A secret step's scripted answer stands for a secret: worded like a secret input's, never quoted.
  const secret = step.secret === true || step.prompt?.secret === true;
  const shown = secret ? 'the scripted answer (not shown: the step is secret)' : `'${value}'`;
  if (choices && !choices.includes(value)) {
    report.error('not-a-choice', `${path}/value`, `${shown} is not a choice of step '${step.id}'${label}${secret ? '' : didYouMean(value, choices)} (choices: ${choices.join(', ')})`);
  } else if (step.prompt?.pattern && !safeMatch(step.prompt.pattern, value)) {
    report.error('not-an-answer', `${path}/value`, `${shown} does not match the pattern ${step.prompt.pattern} of step '${step.id}'${label}, so the operator could not give it`);
  }
}

function safeMatch(pattern: string, value: string): boolean {
  try { return new RegExp(`^(?:${pattern})$`, 'u').test(value); } catch { return true; }
}

function nestedRef(id: string, path: string, doc: RunbookDoc, runbookFile: string | undefined, label: string, report: Reporter): boolean {
  const slash = id.indexOf('/');
  const head = id.slice(0, slash);
  const call = doc.steps.find((s) => s.id === head);
  if (!call?.runbook) {
    report.error('unknown-step', path, `'${id}' names a step of a called runbook, but '${head}' is not a runbook step${label}${didYouMean(head, doc.steps.filter((s) => s.runbook).map((s) => s.id))}`, 'key');
    return false;
  }
  const called = runbookFile === undefined ? undefined : calledRunbook(call, runbookFile);
  if (!called) {
    report.error('unknown-step', path, `'${id}': the runbook step '${head}' calls '${call.runbook.name}', which does not load${label}`, 'key');
    return false;
  }
  const rest = id.slice(slash + 1);
  if (rest.includes('/')) return nestedRef(rest, path, called.doc, called.file, label, report);
  if (called.doc.steps.some((s) => s.id === rest)) return true;
  report.error('unknown-step', path, `the runbook '${call.runbook.name}' called by step '${head}' has no step '${rest}'${label}${didYouMean(rest, called.doc.steps.map((s) => s.id))}`, 'key');
  return false;
}
