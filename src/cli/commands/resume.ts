// `runbook resume <transcript>`: continue an interrupted run where it stopped, appending to the same
// transcript. Finished steps are never run again; the step in flight runs again, behind its confirmation
// gate if it is destructive.
import { UserError } from '../../common/errors.js';
import { prepareRun, readEnvFile, type RunFlags } from '../prepare-run.js';
import { readTranscript, type Transcript } from '../../transcript/reader.js';
import { loadRecordedRunbook } from '../../transcript/recorded-runbook.js';
import { findResumePoint } from '../../transcript/resume-point.js';
import { inputsForResume } from '../../transcript/resume-inputs.js';
import { lastWriterPid, writerStillRunning } from '../../transcript/still-running.js';
import { openLockedForResume, releaseUntaken, type LockedTranscript } from '../../transcript/index.js';
import type { ResumeMarker } from '../../transcript/header.js';
import type { Runbook } from '../../language/runbook.js';

export interface ResumeFlags extends Omit<RunFlags, 'transcript'> { force?: boolean }

export async function resumeCommand(path: string, flags: ResumeFlags): Promise<number> {
  readTranscript(path); // a missing or headless file is refused before anything is opened for writing
  // Locked before the state is read: a second resume racing this one is refused here, never both running.
  const locked = openLockedForResume(path, () => lastWriterPid(readTranscript(path)));
  try {
    return await resumeLocked(path, locked, flags);
  } finally {
    releaseUntaken(locked); // a run that started closed it itself
  }
}

async function resumeLocked(path: string, locked: LockedTranscript, flags: ResumeFlags): Promise<number> {
  const transcript = readTranscript(path);
  if (transcript.problems.length) {
    throw new UserError(`cannot rebuild the run from ${path}: ${transcript.problems.join('; ')}`);
  }
  const running = writerStillRunning(transcript);
  if (running !== undefined) throw new UserError(`this run is still going (pid ${running} on this host); stop it first, or let it finish`);
  const { runbook, forced } = runbookFor(transcript, flags.force ?? false);
  const point = findResumePoint(transcript, runbook.doc);
  if (point.dryRun !== (flags.dryRun ?? false)) {
    throw new UserError(point.dryRun
      ? 'this transcript is of a dry run: its destructive steps never ran. Resume it with --dry-run, or start a real run'
      : 'this transcript is of a real run; a dry run cannot continue it (drop --dry-run)');
  }
  const env = { ...process.env, ...(flags.envFile ? readEnvFile(flags.envFile) : {}) };
  const input = inputsForResume(transcript.header.inputs, runbook.doc, flags.input, env);
  const marker: ResumeMarker = { stepId: point.stepId, phase: point.phase, ...(forced ? { forced } : {}) };
  const session = await prepareRun(runbook, { ...flags, input, transcript: path },
    { resume: { stepId: point.stepId, phase: point.phase, started: point.started, context: point.context } },
    { appendTo: { path: transcript.path, marker, locked } });
  return session.execute();
}

function runbookFor(t: Transcript, force: boolean): { runbook: Runbook; forced?: ResumeMarker['forced'] } {
  const recorded = loadRecordedRunbook(t);
  if (recorded.status === 'unavailable') throw new UserError(`cannot resume: ${recorded.reason}`);
  if (recorded.status === 'same') return { runbook: recorded.runbook };
  if (!force) {
    throw new UserError(`the runbook ${recorded.runbook.file} has changed since this run started (sha256 ${short(recorded.recordedSha256)} → ${short(recorded.runbook.sha256)}); ` +
      'check the change, then resume with --force to continue with the runbook as it is now');
  }
  return { runbook: recorded.runbook, forced: { recordedSha256: recorded.recordedSha256, currentSha256: recorded.runbook.sha256 } };
}

const short = (sha: string) => sha.slice(0, 12);
