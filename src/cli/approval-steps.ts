// Whether a run may meet a four-eyes gate: a step of its runbook (or the runbook, for its destructive steps), or of a runbook it calls, says `approval:`.
import { approvalOf } from '../language/approval.js';
import type { Runbook } from '../language/runbook.js';
import { calledFiles } from '../catalog/called-files.js';
import { readFileSync } from 'node:fs';

export function hasApprovalSteps(runbook: Runbook): boolean {
  if (runbook.doc.steps.some((s) => approvalOf(runbook.doc, s) !== undefined)) return true;
  // Called runbooks are read as text: a cheap, conservative look for the key, top-level or a step's (a false yes only attaches a listener).
  return calledFiles(runbook).some((c) => { try { return /^\s*(-\s+)?approval\s*:/m.test(readFileSync(c.file, 'utf8')); } catch { return false; } });
}
