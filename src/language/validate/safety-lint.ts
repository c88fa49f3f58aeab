// A step that changes things must say so: the run stops for the operator before every destructive step.
import type { RunbookDoc, StepDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { shellDanger } from './shell-lint.js';
import { lintSql } from './sql-safety.js';

export function lintSafety(doc: RunbookDoc, report: Reporter): void {
  lintSql(doc, report); // SQL (of sql steps and waits) is proven read-only by the engine's parser (sql-safety.ts)
  doc.steps.forEach((step, i) => {
    const finding = dangerIn(step);
    if (!finding) return;
    if (step.destructive === true) return;
    const base = `/steps/${i}`;
    if (step.destructive === false) {
      if (!step.safe_because?.trim()) {
        report.error('unsafe-unmarked', `${base}/destructive`, `step '${step.id}' ${finding} but is marked 'destructive: false' without 'safe_because: <why>'`);
      }
      return;
    }
    report.error('unsafe-unmarked', `${base}/id`, `step '${step.id}' ${finding}: mark it 'destructive: true' so the operator confirms it, or 'destructive: false' with 'safe_because'`);
  });
}

/** What makes the step's shell (or its wait's polled shell) look dangerous, in words, or undefined. */
export function dangerIn(step: StepDoc): string | undefined {
  return shellOf(step) ?? (step.wait ? shellOf(step.wait) : undefined);
}

function shellOf(step: Pick<StepDoc, 'shell'>): string | undefined {
  const shell = typeof step.shell === 'string' ? step.shell : step.shell?.run;
  return shell === undefined ? undefined : shellDanger(shell);
}
