// Whether a run may meet a four-eyes gate: a step of its runbook, or of a runbook it calls, says `approval:`.
import type { Runbook } from '../language/runbook.js';
import { calledFiles } from './runbook-files.js';
import { readFileSync } from 'node:fs';

export function hasApprovalSteps(runbook: Runbook): boolean {
  if (runbook.doc.steps.some((s) => s.approval !== undefined)) return true;
  // Called runbooks are read as text: a cheap, conservative look for the key (a false yes only attaches a listener).
  return calledFiles(runbook).some((c) => { try { return /^\s*(-\s+)?approval\s*:/m.test(readFileSync(c.file, 'utf8')); } catch { return false; } });
}
