// Branches that can never be taken are silent mistakes: an `on` key no result carries (`skiped`), a choice with no
// branch while its siblings have one, a `next` branch after one that is always taken.
import type { RunbookDoc, StepDoc } from '../schema.js';
import { CLASSIFICATIONS, OUTCOMES } from '../schema.js';
import { stepKind } from '../flow.js';
import { childPath } from '../source-map.js';
import { didYouMean } from '../suggest.js';
import type { Reporter } from './context.js';

/** What every step's result can be matched on: its status, `error` for any failure, and the classifications. */
const STATUS_KEYS = ['ok', 'error', 'failed', 'timeout', 'aborted', 'skipped'];

export function checkBranches(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    const base = `/steps/${i}`;
    checkOnKeys(step, base, report);
    checkChoices(step, base, report);
    checkNextOrder(step, base, report);
  });
}

/** The `on` keys a step's result can match; undefined when any value can (a prompt without choices). */
function onKeys(step: StepDoc): string[] | undefined {
  const kind = stepKind(step);
  if (kind === 'prompt') return step.prompt!.choices ? [...STATUS_KEYS, ...step.prompt!.choices] : undefined;
  if (kind === 'manual') {
    const choices = typeof step.manual === 'object' ? step.manual.choices : undefined;
    return [...STATUS_KEYS, ...(choices ?? ['done'])];
  }
  if (kind === 'runbook') return [...STATUS_KEYS, ...OUTCOMES];
  return [...STATUS_KEYS, ...CLASSIFICATIONS];
}

function checkOnKeys(step: StepDoc, base: string, report: Reporter): void {
  const known = onKeys(step);
  if (!step.on || !known) return;
  for (const key of Object.keys(step.on)) {
    if (known.includes(key)) continue;
    const what = stepKind(step) === 'manual' || stepKind(step) === 'prompt' ? 'a status or one of its choices' : 'a status or a classification';
    report.error('unknown-on-key', childPath(`${base}/on`, key),
      `'${key}' in on: of step '${step.id}' is not something its result can be (${what}), so the branch would never be taken${didYouMean(key, known)}`, 'key');
  }
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
