// The runbooks a resumed run continues with: its own, as it recorded it, and the ones its `runbook:` steps call
// (catalog/called-files.ts), each the file the run loaded and unchanged since. A runbook edited between an
// interruption and its resume would run its new text under the old approvals: refused unless the operator
// accepts the change (--accept-changed, or --force for every one; --retarget for called ones, every gate asking
// again).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../common/errors.js';
import { calledFiles, calleeKey, shaOf, type CalledFile } from '../catalog/called-files.js';
import { resolveCalled } from '../catalog/called-runbooks.js';
import { loadRunbook } from '../catalog/load-runbook.js';
import { readRunbook, type Runbook } from '../language/runbook.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import type { AcceptedChange, ResumeMarker } from '../transcript/header.js';
import { loadRecordedRunbook } from '../transcript/recorded-runbook.js';
import type { Transcript } from '../transcript/reader.js';
import type { HeaderLine } from '../events/schema.js';

/** The run's own runbook; one changed since the run started only when forced (--force or --accept-changed),
 *  and then what changed, for the resume marker. */
export function runbookFor(t: Transcript, force: boolean): { runbook: Runbook; forced?: ResumeMarker['forced'] } {
  const recorded = loadRecordedRunbook(t);
  if (recorded.status === 'unavailable') throw new UserError(`cannot resume: ${recorded.reason}`);
  if (recorded.status === 'same') return { runbook: recorded.runbook };
  if (!force) {
    throw new UserError(`the runbook ${recorded.runbook.file} has changed since this run started (sha256 ${short(recorded.recordedSha256)} → ${short(recorded.runbook.sha256)}); ` +
      `check the change, then resume with --force (or --accept-changed ${recorded.runbook.file}) to continue with the runbook as it is now`);
  }
  return { runbook: recorded.runbook, forced: { recordedSha256: recorded.recordedSha256, currentSha256: recorded.runbook.sha256 } };
}

/** The file each `runbook:` step of the run loaded (calleeKey → file), from the header: a resumed run loads these
 *  again, never a file found by name now (issue #46). A path `outer/inner` is called from the file `outer` loaded. */
export function recordedCallees(t: Transcript): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const c of t.header.calls ?? []) for (const at of c.calledBy) byPath.set(at, resolve(c.file));
  const out = new Map<string, string>();
  for (const [at, file] of byPath) {
    const cut = at.lastIndexOf('/');
    const caller = cut < 0 ? t.header.runbook.file : byPath.get(at.slice(0, cut));
    if (caller) out.set(calleeKey(caller, at.slice(cut + 1)), file);
  }
  return out;
}

/** How a resumed run loads the runbook a `runbook:` step calls: the recorded file, else as call-runbook finds it;
 *  throws saying why it cannot be loaded. */
export function calledLoader(pinned: ReadonlyMap<string, string>) {
  return (step: StepDoc, callerFile: string): { doc: RunbookDoc; file: string; sha256: string } => {
    const name = step.runbook?.name;
    if (!name) throw new UserError(`step '${step.id}' calls no runbook`);
    const { runbook } = loadRunbook(pinned.get(calleeKey(callerFile, step.id)) ?? resolveCalled(name, callerFile) ?? name); // throws saying why not
    return { doc: runbook.doc, file: runbook.file, sha256: runbook.sha256 };
  };
}

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
 *  would run it as it is now; the files named by --accept-changed (every one with --force, or with --retarget,
 *  given `retarget` to say so) are continued with, and recorded. */
export function checkCalledFiles(t: Transcript, accept: readonly string[], force = false, retarget?: (line: string) => void): AcceptedChange[] {
  const accepted = new Set(accept.map((f) => resolve(f)));
  const out: AcceptedChange[] = [];
  for (const [file, rec] of recordedCalls(t)) {
    const now = existsSync(file) ? readRunbook(file).runbook?.sha256 ?? shaOf(file) : undefined;
    if (now === rec.sha256) continue;
    const steps = [...rec.calledBy].map((s) => `'${s}'`).join(', ') || 'a runbook step';
    const what = now === undefined ? 'no longer exists' : `has changed since this run started (sha256 ${rec.sha256.slice(0, 12)} → ${now.slice(0, 12)})`;
    if (!accepted.has(file) && !force && !retarget) {
      throw new UserError(`the runbook ${file} called by step ${steps} ${what}; ` +
        `step ${steps} would run it as it is now, not as it was approved: check the change, then resume with --accept-changed ${file} ` +
        '(or --retarget, which asks again at every destructive step)');
    }
    if (now === undefined) throw new UserError(`cannot resume: the runbook ${file} called by step ${steps} no longer exists`);
    if (!accepted.has(file) && !force) retarget?.(`--retarget: step ${steps} runs ${file} as it is now, ${what.replace('has changed', 'changed')}; every destructive step asks again`);
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
export function checkSameCallees(t: Transcript, runbook: Runbook, retarget: boolean, say: (line: string) => void): void {
  const recorded = new Map<string, string>();
  for (const c of t.header.calls ?? []) for (const at of c.calledBy) recorded.set(at, resolve(c.file));
  const now = new Map<string, string>();
  for (const c of calledFiles(runbook)) for (const at of c.calledBy) now.set(at, resolve(c.file));
  for (const [at, file] of recorded) {
    const there = now.get(at);
    if (there === file) continue;
    if (retarget) {
      say(`--retarget: step '${at}' loads ${file}, as the run did (by name it would now load ${there ?? 'no runbook'}); every destructive step asks again`);
      continue;
    }
    throw new UserError(`refusing to resume: step '${at}' would now load ${there ?? 'no runbook'} where the run loaded ${file} ` +
      '(a called runbook is found by name beside its caller, then in ./runbooks and RUNBOOK_PATH); nothing was run. ' +
      'Resume from the directory and with the RUNBOOK_PATH the run started with, or with --retarget to continue with the files the run loaded (every destructive step asks again)');
  }
}

/** Says that --force (or --retarget) continues inside a called runbook in flight that changed (findResumePoint's onForced). */
export const tellForced = (say: (line: string) => void, flag = '--force') => (c: { stepId: string; file: string; recordedSha256: string; currentSha256: string }): void =>
  say(`${flag}: continuing inside ${c.file} (called by step '${c.stepId}'), changed since the run started (sha256 ${short(c.recordedSha256)} → ${short(c.currentSha256)})`);

/** Says which changed runbooks --accept-changed continues with (the resume marker records them). */
export function tellAccepted(accepted: readonly AcceptedChange[], say: (line: string) => void): void {
  for (const a of accepted) say(`--accept-changed: continuing with ${a.file} as it is now (sha256 ${short(a.recordedSha256)} → ${short(a.currentSha256)}); recorded in the transcript`);
}

const short = (sha: string) => sha.slice(0, 12);
