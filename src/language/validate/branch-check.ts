// Branches that can never be taken are silent mistakes: an `on` key no result carries (`skiped`, `aborted`) or one an
// earlier key always takes first, a choice with no branch while its siblings have one, a `next` branch after one that
// is always taken.
import { CLASSIFICATIONS, OUTCOMES, type RunbookDoc, type StepDoc } from '../schema.js';
import { stepKind } from '../flow.js';
import { childPath } from '../source-map.js';
import { didYouMean } from '../suggest.js';
import { matchableKeys, neverTaken } from '../results.js';
import type { Reporter } from './context.js';

export function checkBranches(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    const base = `/steps/${i}`;
    checkOnKeys(step, base, report);
    checkChoices(step, base, report);
    checkNextOrder(step, base, report);
  });
}

/** Each `on` key must match some result the step can have (language/results.ts, the compiler's own rule), and
 *  be the first key to match it. A key no step's result could ever carry is an error (a typo); a status or
 *  classification this step never ends with, or one an earlier key always takes first, a warning. */
function checkOnKeys(step: StepDoc, base: string, report: Reporter): void {
  if (!step.on) return;
  const known = matchableKeys(step);
  for (const key of Object.keys(step.on)) {
    const path = childPath(`${base}/on`, key);
    if (key.includes('${{')) continue; // template-in-key says what is wrong with it
    if (key === 'aborted') {
      report.warn('aborted-on-key', path,
        `'aborted' in on: of step '${step.id}' is never taken: an abort (at a gate, Ctrl-C, inside a called runbook) stops the whole run before any route; remove it (use 'error' or 'failed' for a step that fails)`, 'key');
    } else if (known && !known.includes(key) && !kindKeys(step).includes(key)) {
      const what = stepKind(step) === 'manual' || stepKind(step) === 'prompt' ? 'a status or one of its choices'
        : stepKind(step) === 'runbook' ? "a status or the called runbook's outcome" : 'a status or a classification';
      report.error('unknown-on-key', path,
        `'${key}' in on: of step '${step.id}' is not something its result can be (${what}), so the branch would never be taken${didYouMean(key, known) || didYouMean(key, kindKeys(step))}`, 'key');
    } else {
      const never = known && !known.includes(key) ? notThisStep(step, key) : neverTaken(step, key);
      if (never) report.warn('never-taken-on-key', path, `'${key}' in on: of step '${step.id}' is never taken: ${never}`, 'key');
    }
  }
}

/** Keys some step of this kind can match: a status, and its choices, the called runbook's outcomes or the
 *  classifications. A key outside them is a typo; one inside that this step cannot match is only never taken. */
function kindKeys(step: StepDoc): string[] {
  const statuses = ['ok', 'error', 'failed', 'timeout', 'skipped'];
  const kind = stepKind(step);
  if (kind === 'manual' || kind === 'prompt') return [...statuses, ...(step.prompt?.choices ?? (typeof step.manual === 'object' ? step.manual.choices : undefined) ?? ['done'])];
  return [...statuses, ...(kind === 'runbook' ? OUTCOMES : CLASSIFICATIONS)];
}

/** Why a key other steps' results carry never matches this one's, worded as the fix. */
function notThisStep(step: StepDoc, key: string): string {
  if (key === 'skipped') return "the step has no 'if' and is not destructive, so nothing skips it; remove the key";
  const kind = stepKind(step);
  if (kind === 'vars') return `a vars step fails only as 'other' (a value that cannot be computed); use 'failed' or 'error'`;
  return `a ${kind} step's result never is '${key}'; remove the key`;
}

/** Some choices branch and others do not: the others silently go on to the next step. */
function checkChoices(step: StepDoc, base: string, report: Reporter): void {
  const choices = step.prompt?.choices ?? (typeof step.manual === 'object' ? step.manual.choices : undefined);
  // An explicit `next:` is the author's default for the other choices.
  if (!choices || !step.on || typeof step.next === 'string') return;
  const branched = choices.filter((c) => c in step.on!);
  if (branched.length === 0) return;
  const missing = choices.filter((c) => !(c in step.on!) && !('ok' in step.on!));
  if (missing.length === 0) return;
  const then = Array.isArray(step.next) ? 'the next: branches decide' : 'the following step is taken';
  report.warn('choice-without-branch', `${base}/on`,
    `choice${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} of step '${step.id}' ${missing.length > 1 ? 'have' : 'has'} no branch in on: (${then}); add ${missing.map((c) => `${c}: <step>`).join(', ')}`, 'key');
}

/** Branches are tried in order; the first without `if` always matches, so any after it is dead. */
function checkNextOrder(step: StepDoc, base: string, report: Reporter): void {
  if (!Array.isArray(step.next)) return;
  const always = step.next.findIndex((b) => b.if === undefined);
  if (always >= 0 && always < step.next.length - 1) {
    report.warn('unreachable-branch', `${base}/next/${always + 1}`,
      `this branch of step '${step.id}' is never taken: the branch before it (goto: ${step.next[always]!.goto}) has no 'if' and always matches; put the catch-all branch last`);
  }
}
