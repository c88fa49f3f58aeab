// `runbook resume <transcript>`: continue an interrupted run where it stopped, appending to the same
// transcript. Finished steps are never run again; the step in flight runs again, behind its confirmation
// gate if it is destructive.
import { UserError } from '../../common/errors.js';
import { prepareRun, readEnvFile, type RunFlags } from '../prepare-run.js';
import { readTranscript, type Transcript } from '../../transcript/reader.js';
import { findResumePoint } from '../../resume/point.js';
import { checkNothingLost } from '../../resume/lost-values.js';
import { decisionsActedOn } from '../../resume/decisions.js';
import { inputsForResume } from '../../resume/inputs.js';
import { lastWriterPid, writerStillRunning } from '../../transcript/still-running.js';
import { openLockedForResume, releaseUntaken, type LockedTranscript } from '../../transcript/index.js';
import type { ResumeMarker } from '../../transcript/header.js';
import { recordedTargets } from '../../transcript/recorded-targets.js';
import { TargetGuard } from '../../engine/target-guard.js';
import { checkSameTargets, noOrphans } from '../../resume/targets.js';
import { sayError } from '../say.js';
import { checkNotBehind, lockRun, runIdOf } from '../../transcript/run-state.js';
import { checkCalledFiles, checkSameCallees, loadCalled, runbookFor, tellAccepted, tellForced } from '../../resume/callees.js';
import { checkSamePlace } from '../../resume/place.js';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { findStoreUrl, type StoreUrl } from '../../store/url.js';
import { headOfHeader } from '../../store/claim.js';
import { checkNoDriver, claimInStore, fetchTranscript } from '../../resume/lease.js';

export interface ResumeFlags extends Omit<RunFlags, 'transcript'> { force?: boolean; retarget?: boolean; waitForOrphans?: boolean; acceptChanged?: string[]; takeover?: boolean }

export async function resumeCommand(arg: string, flags: ResumeFlags): Promise<number> {
  if (flags.retarget && flags.yes) {
    throw new UserError('--retarget asks again at every destructive step on the new target: it does not go with --yes (answer the gates, or approve steps by name with --approve)');
  }
  const store = findStoreUrl(flags.store);
  if (flags.takeover && !store) throw new UserError('--takeover takes a run over in the team store, and no store is configured (--store, RUNBOOK_STORE or runbook.config.yaml)');
  // Not a file here: a run id in the team store (another machine drove it); its transcript is fetched first.
  const path = !existsSync(arg) && store ? await fetchTranscript(store, arg) : arg;
  if (path !== arg) sayError(`runbook: resuming run ${arg} from the store's copy of its transcript: ${path}\n`);
  readTranscript(path); // a missing or headless file is refused before anything is opened for writing
  // Locked before the state is read: a second resume racing this one is refused here, never both running.
  const locked = openLockedForResume(path, () => lastWriterPid(readTranscript(path)));
  try {
    return await resumeLocked(path, locked, flags, store);
  } finally {
    releaseUntaken(locked); // a run that started closed it itself
  }
}

async function resumeLocked(path: string, locked: LockedTranscript, flags: ResumeFlags, store: StoreUrl | undefined): Promise<number> {
  const transcript = readTranscript(path);
  if (transcript.problems.length) {
    throw new UserError(`cannot rebuild the run from ${path}: ${transcript.problems.join('; ')}`);
  }
  // One driver per run, whichever copy of its transcript: the run's own lock, then how far it got elsewhere.
  const releaseRun = lockRun(runIdOf(transcript));
  try {
    checkNotBehind(transcript);
    return await resumeRun(path, locked, flags, transcript, store);
  } finally {
    releaseRun();
  }
}

async function resumeRun(path: string, locked: LockedTranscript, flags: ResumeFlags, transcript: Transcript, store: StoreUrl | undefined): Promise<number> {
  const say = (line: string) => sayError(`runbook: ${line}\n`);
  const accept = (flags.acceptChanged ?? []).map((f) => resolve(f));
  const { runbook, forced } = runbookFor(transcript, (flags.force ?? false) || accept.includes(transcript.header.runbook.file));
  const point = findResumePoint(transcript, runbook.doc, { // refuses a finished run first, and a callee in flight that changed
    loadCalled, force: flags.force ?? false, accepted: new Set(accept),
    onForced: tellForced(say),
  });
  const accepted = checkCalledFiles(transcript, accept, flags.force ?? false); // every other runbook the run may still call
  checkSameCallees(transcript, runbook); // and by the same files: a name found elsewhere now is another runbook
  // One driver per run: the team store's word first (it knows other machines); --takeover overrides it, and
  // the driver before stops at its next write or check (resume/lease.ts).
  const head = headOfHeader(transcript.header);
  if (store && head && !flags.takeover) await checkNoDriver(store, head);
  // The lock says no live process writes it; a writer of an older version (without the lock) may still.
  const running = flags.takeover ? undefined : writerStillRunning(transcript);
  if (running !== undefined) throw new UserError(`this run is still going (pid ${running} on this host); stop it first, or let it finish`);
  if (point.dryRun !== (flags.dryRun ?? false)) {
    throw new UserError(point.dryRun
      ? 'this transcript is of a dry run: its destructive steps never ran. Resume it with --dry-run, or start a real run'
      : 'this transcript is of a real run; a dry run cannot continue it (drop --dry-run)');
  }
  await noOrphans(transcript, flags.waitForOrphans ?? false, (line) => sayError(`runbook: ${line}\n`));
  const env = { ...process.env, ...(flags.envFile ? readEnvFile(flags.envFile) : {}) };
  const input = inputsForResume(transcript.header.inputs, runbook.doc, flags.input, env);
  const marker: ResumeMarker = {
    stepId: point.stepId, phase: point.phase, ...(forced ? { forced } : {}), ...(flags.retarget ? { retarget: true as const } : {}),
    ...(accepted.length ? { accepted } : {}),
  };
  tellAccepted(accepted, say);
  const recorded = recordedTargets(transcript);
  const session = await prepareRun(runbook, { ...flags, input, transcript: path }, {
    resume: { stepId: point.stepId, phase: point.phase, started: point.started, context: point.context, ...(point.nested ? { nested: point.nested } : {}) },
    targets: TargetGuard.create(recorded, { retarget: flags.retarget ?? false, waitForSessions: flags.waitForOrphans ?? false }),
  }, { appendTo: { path: transcript.path, marker, locked, decided: decisionsActedOn(transcript.lines) } });
  // A step still to run that acts on, or routes by, a value the transcript holds masked: refused before anything.
  checkNothingLost(runbook.doc, point, session.inputs, { load: loadCalled, file: runbook.file });
  await checkSameTargets(runbook.doc, recorded, { ...point.context, inputs: session.inputs },
    { env, waitForSessions: flags.waitForOrphans ?? false, say, mask: (text) => session.redactor.mask(text) }, flags.retarget ?? false);
  // After the connections' own check (it compares the servers themselves): what else the run acts on.
  checkSamePlace(transcript, env, flags.retarget ?? false, say);
  const claimed = store && head ? await claimInStore(store, head, flags.takeover ?? false, say) : undefined;
  return session.execute(claimed);
}
