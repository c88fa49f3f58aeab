// The runbook a transcript was recorded from, read again from the path in its header, and whether it is
// still the same text (sha256): resume refuses a changed runbook unless forced; report draws its graph
// only when it is unchanged.
import { existsSync } from 'node:fs';
import { formatDiagnostic } from '../language/diagnostic.js';
import { readRunbook, type Runbook } from '../language/runbook.js';
import type { Transcript } from './reader.js';

export type RecordedRunbook =
  | { status: 'same'; runbook: Runbook }
  | { status: 'changed'; runbook: Runbook; recordedSha256: string }
  | { status: 'unavailable'; reason: string };

/** The runbook's sha256 as the run last used it: a forced resume moves it on to the changed text. */
export function recordedSha256(t: Transcript): string {
  const resumes = t.lines.filter((l) => l.type === 'resumed');
  return resumes[resumes.length - 1]?.sha256 ?? t.header.runbook.sha256;
}

export function loadRecordedRunbook(t: Transcript): RecordedRunbook {
  return loadRecordedRunbookAt(t.header.runbook.file, recordedSha256(t));
}

/** The runbook at `file`, and whether it is still the text whose sha256 the run last used. */
export function loadRecordedRunbookAt(file: string, sha256: string): RecordedRunbook {
  if (!existsSync(file)) return { status: 'unavailable', reason: `the runbook ${file} no longer exists` };
  const { runbook, diagnostics } = readRunbook(file);
  if (!runbook) return { status: 'unavailable', reason: `the runbook ${file} no longer validates:\n${diagnostics.map(formatDiagnostic).join('\n')}` };
  return runbook.sha256 === sha256 ? { status: 'same', runbook } : { status: 'changed', runbook, recordedSha256: sha256 };
}
