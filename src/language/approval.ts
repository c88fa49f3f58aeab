// Whether a step's gate waits for a second person: the step's own `approval:`, else its runbook's (which covers
// every destructive step), unless the step says `approval: false`. One answer for the engine, the CLI and the checks.
import type { RunbookDoc, StepDoc } from './schema.js';

export type ApprovalDoc = NonNullable<RunbookDoc['approval']>;

export function approvalOf(doc: Pick<RunbookDoc, 'approval'>, step: StepDoc): ApprovalDoc | undefined {
  if (step.destructive !== true || step.approval === false) return undefined;
  return step.approval ?? doc.approval;
}
