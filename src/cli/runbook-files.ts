// On a resume, which of the runbook files the run may load below its own (catalog/called-files.ts) changed
// since the run recorded them. A called runbook edited between an interruption and
// its resume would run its new text under the old approvals: refused unless the operator accepts the change.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../common/errors.js';
import { calledFiles, shaOf, type CalledFile } from '../catalog/called-files.js';
import { readRunbook, type Runbook } from '../language/runbook.js';
import type { AcceptedChange } from '../transcript/header.js';
import type { Transcript } from '../transcript/reader.js';
import type { HeaderLine } from '../events/schema.js';

/** Every called runbook file the run recorded, as it last used it: the header's list, each call's own start,
 *  and what a resume accepted since. */
function recordedCalls(t: Transcript): Map<string, { sha256: string; calledBy: Set<string> }> {
  const out = new Map<string, { sha256: string; calledBy: Set<string> }>();
  const note = (file: string, sha256: string, by?: string) => {
    const e = out.get(file) ?? { sha256, calledBy: new Set<string>() };
    e.sha256 = sha256;
    if (by) e.calledBy.add(by);
    out.set(file, e);
  };
  for (const c of (t.header as HeaderLine & { calls?: CalledFile[] }).calls ?? []) for (const by of c.calledBy) note(c.file, c.sha256, by);
  for (const l of t.lines) {
    if (l.type === 'called-runbook') note(resolve(l.runbook.file), l.runbook.sha256, l.stepId);
    if (l.type === 'resumed') for (const a of l.accepted ?? []) note(resolve(a.file), a.currentSha256);
  }
  return out;
}

/** Refuses when a called runbook file changed since the run recorded it, naming the file and the step that
 *  would run it as it is now; the files named by --accept-changed (every one with --force) are continued with,
 *  and recorded. */
export function checkCalledFiles(t: Transcript, accept: readonly string[], force = false): AcceptedChange[] {
  const accepted = new Set(accept.map((f) => resolve(f)));
  const out: AcceptedChange[] = [];
  for (const [file, rec] of recordedCalls(t)) {
    const now = existsSync(file) ? readRunbook(file).runbook?.sha256 ?? shaOf(file) : undefined;
    if (now === rec.sha256) continue;
    const steps = [...rec.calledBy].map((s) => `'${s}'`).join(', ') || 'a runbook step';
    if (!accepted.has(file) && !force) {
      const what = now === undefined ? 'no longer exists' : `has changed since this run started (sha256 ${rec.sha256.slice(0, 12)} → ${now.slice(0, 12)})`;
      throw new UserError(`the runbook ${file} called by step ${steps} ${what}; ` +
        `step ${steps} would run it as it is now, not as it was approved: check the change, then resume with --accept-changed ${file}`);
    }
    if (now === undefined) throw new UserError(`cannot resume: --accept-changed ${file}: the file no longer exists`);
    out.push({ file, recordedSha256: rec.sha256, currentSha256: now });
  }
  for (const f of accepted) {
    if (!out.some((a) => a.file === f) && f !== t.header.runbook.file) throw new UserError(`--accept-changed ${f}: not a runbook of this run that changed (nothing to accept)`);
  }
  return out;
}

/**
 * Refuses when a `runbook:` step would now load another file than the run recorded (issue #46): a callee is found
 * by name beside its caller, then in ./runbooks and RUNBOOK_PATH, so a resume from another directory or with
 * another RUNBOOK_PATH would run a different file of the same name. Names the step and both files.
 */
export function checkSameCallees(t: Transcript, runbook: Runbook): void {
  const recorded = new Map<string, string>();
  for (const c of t.header.calls ?? []) for (const at of c.calledBy) recorded.set(at, resolve(c.file));
  const now = new Map<string, string>();
  for (const c of calledFiles(runbook)) for (const at of c.calledBy) now.set(at, resolve(c.file));
  for (const [at, file] of recorded) {
    const there = now.get(at);
    if (there === file) continue;
    throw new UserError(`refusing to resume: step '${at}' would now load ${there ?? 'no runbook'} where the run loaded ${file} ` +
      '(a called runbook is found by name beside its caller, then in ./runbooks and RUNBOOK_PATH); nothing was run. ' +
      'Resume from the directory and with the RUNBOOK_PATH the run started with');
  }
}
