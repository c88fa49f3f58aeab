// An interrupted run continued where it stopped, appending to the same transcript: finished steps are never run
// again; the step in flight runs again, behind its confirmation gate if it is destructive or vouched for. What a
// run needs to continue is checked here, in this order (docs/architecture.md lists it), each refusal a UserError
// before any step runs. The CLI parses the flags and starts the run (ResumeHost): src/resume does not import it.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../common/errors.js';
import { TargetGuard } from '../engine/target-guard.js';
import type { RunOptions } from '../engine/run-options.js';
import type { Runbook } from '../language/runbook.js';
import { headOfHeader, type RunHead } from '../store/claim.js';
import type { StoreUrl } from '../store/url.js';
import type { AcceptedChange, ResumeMarker } from '../transcript/header.js';
import { openLockedForResume, releaseUntaken, type LockedTranscript } from '../transcript/index.js';
import { readHeader, type Transcript } from '../transcript/reader.js';
import { readForResume } from '../transcript/resume-read.js';
import { fileLines } from '../transcript/sink.js';
import { recordedTargets } from '../transcript/recorded-targets.js';
import { checkNotBehind, lockRun, runIdOf } from '../transcript/run-state.js';
import { lastWriterPid, writerStillRunning } from '../transcript/still-running.js';
import { calledLoader, checkCalledFiles, checkSameCallees, recordedCallees, runbookFor, tellAccepted, tellForced } from './callees.js';
import { inputsForResume } from './inputs.js';
import { checkNoDriver, claimInStore, fetchedPath, fetchTranscript, storeMovedOn, type Lease } from './lease.js';
import { checkNothingLost } from './lost-values.js';
import { resolvedInputs } from './input-prints.js';
import { checkSamePlace, startPlaceOf } from './place.js';
import { findResumePoint, type ResumePoint } from './point.js';
import { checkSameTargets, noOrphans } from './targets.js';
import { taintFor } from '../secrets/taint.js';
import type { Redactor } from '../secrets/redactor.js';

/** What the operator asked for, from the command's flags. */
export interface ResumeRequest {
  /** The team store (--store, RUNBOOK_STORE or runbook.config.yaml); undefined without one. */
  store: StoreUrl | undefined;
  input: string[];
  dryRun?: boolean;
  force?: boolean;
  acceptChanged?: string[];
  retarget?: boolean;
  takeover?: boolean;
  waitForOrphans?: boolean;
  /** This resume holds the run in the store already: its copy is being brought up to the store's (below). */
  claimed?: Lease;
}

/** Where the resumed run writes: after the marker, into the transcript locked here. */
export interface AppendTo { path: string; marker: ResumeMarker; locked: LockedTranscript }

/** What the run is started with: its --input pairs, its transcript, where it continues and what it appends. */
export interface RunStart {
  input: string[]; transcript: string; options: Pick<RunOptions, 'resume' | 'targets'>; appendTo: AppendTo;
  /** The file each `runbook:` step loaded (catalog/called-files.ts calleeKey → file): loaded again, not found by name. */
  callees: ReadonlyMap<string, string>;
}

/** A run prepared to continue (cli/prepare-run.ts): its inputs as resolved now, not started until execute. */
export interface PreparedResume {
  inputs: Record<string, unknown>;
  /** The run's: it masks what resume says, and its taint hook reads which values come from a secret. */
  redactor: Redactor;
  execute(lease?: Lease): Promise<number>;
}

/** What resume needs of the command it runs under. */
export interface ResumeHost {
  /** One line for the operator (standard error). */
  say: (line: string) => void;
  /** The run's environment (the process's, --env-file on top): read when the order below reaches it. */
  env(): NodeJS.ProcessEnv;
  prepare(runbook: Runbook, start: RunStart): Promise<PreparedResume>;
}

/** `arg`: a transcript file, or a run id in the team store (another machine drove it): fetched first. */
export async function continueRun(arg: string, req: ResumeRequest, host: ResumeHost): Promise<number> {
  const path = !existsSync(arg) && req.store ? await fetchTranscript(req.store, arg) : arg;
  if (path !== arg) host.say(`resuming run ${arg} from the store's copy of its transcript: ${path}`);
  readHeader(path); // a missing or headless file is refused before anything is opened for writing
  // Locked before the state is read: a second resume racing this one is refused here, never both running.
  const locked = openLockedForResume(path, () => lastWriterPid(readForResume(path)));
  try {
    return await continueLocked(path, locked, req, host);
  } finally {
    releaseUntaken(locked); // a run that started closed it itself
  }
}

async function continueLocked(path: string, locked: LockedTranscript, req: ResumeRequest, host: ResumeHost): Promise<number> {
  const transcript = readForResume(path); // streamed: the run's state, not its output (issue #51)
  if (transcript.problems.length) {
    throw new UserError(`cannot rebuild the run from ${path}: ${transcript.problems.join('; ')}`);
  }
  // One driver per run, whichever copy of its transcript: the run's own lock, then how far it got elsewhere.
  const releaseRun = lockRun(runIdOf(transcript));
  try {
    checkNotBehind(transcript);
    return await continueFrom(path, locked, transcript, req, host);
  } finally {
    releaseRun();
  }
}

/** What the checks before the run is prepared found: the run's runbooks, where it continues, its head in the store. */
interface Found { runbook: Runbook; forced?: ResumeMarker['forced']; point: ResumePoint; accepted: AcceptedChange[]; head: RunHead | undefined; callees: ReadonlyMap<string, string> }

async function continueFrom(path: string, locked: LockedTranscript, t: Transcript, req: ResumeRequest, host: ResumeHost): Promise<number> {
  const found = await checkBeforePrepare(t, req, host);
  const { runbook, point } = found;
  const env = host.env();
  const input = inputsForResume(t.header.inputs, runbook.doc, req.input, env);
  const marker: ResumeMarker = {
    stepId: point.stepId, phase: point.phase, ...(found.forced ? { forced: found.forced } : {}), ...(req.retarget ? { retarget: true as const } : {}),
    ...(found.accepted.length ? { accepted: found.accepted } : {}),
  };
  tellAccepted(found.accepted, host.say);
  const recorded = recordedTargets(t);
  const run = await host.prepare(runbook, {
    input, transcript: path,
    options: {
      resume: { stepId: point.stepId, phase: point.phase, started: point.started, context: point.context, ...(point.nested ? { nested: point.nested } : {}), ...(point.written ? { written: point.written } : {}) },
      targets: TargetGuard.create(recorded, { retarget: req.retarget ?? false, waitForSessions: req.waitForOrphans ?? false }),
    },
    appendTo: { path: t.path, marker, locked },
    callees: found.callees,
  });
  // A step still to run that acts on, or routes by, a value the transcript holds masked: refused before anything.
  checkNothingLost(runbook.doc, point, run.inputs, { load: calledLoader(found.callees), file: runbook.file });
  await checkSameTargets(runbook.doc, recorded, { ...point.context, inputs: run.inputs },
    { env, waitForSessions: req.waitForOrphans ?? false, say: host.say, mask: (text) => run.redactor.mask(text), taint: taintFor(run.redactor) }, req.retarget ?? false);
  // After the connections' own check (it compares the servers themselves): what else the run acts on, with which
  // inputs (resolved by prepare: a secret is typed again) and client configuration files.
  const inputs = resolvedInputs(runbook.doc, run.inputs, (text) => run.redactor.mask(text));
  checkSamePlace(t, env, inputs, req.retarget ?? false, host.say);
  // --retarget: where the run continues, which later resumes compare with; the marker is written when it starts.
  if (req.retarget) marker.place = startPlaceOf(env, inputs, runbook.file, process.cwd(), runbook.doc);
  const lease = req.claimed ?? (req.store && found.head ? await claimInStore(req.store, found.head, req.takeover ?? false, host.say) : undefined);
  // Another driver's lines may have reached the store between this copy's fetch and this claim (simultaneous
  // takeovers): with the claim held none can follow, so the copy is brought up to the store's and read again.
  // Without this, this driver ran from a stale copy, its lines conflicted with the store's, and it waited forever.
  const fetched = found.head && resolve(path) === fetchedPath(found.head.runId);
  if (lease && req.store && found.head && fetched && !req.claimed && await storeMovedOn(lease, found.head.runId, fileLines(readFileSync(path, 'utf8')).length)) {
    host.say(`the store's copy of run ${found.head.runId} moved on while this resume got ready: continuing from it`);
    try {
      await fetchTranscript(req.store, found.head.runId);
      return await continueFrom(path, locked, readForResume(path), { ...req, claimed: lease }, host);
    } catch (e) {
      await lease.client.end().catch(() => undefined); // a refusal lets go of the claim's connection: the process can end
      throw e;
    }
  }
  return run.execute(lease);
}

/** The runbooks, the resume point, the store's driver, a writer still running, the kind of run, its orphans. */
async function checkBeforePrepare(t: Transcript, req: ResumeRequest, host: ResumeHost): Promise<Found> {
  const force = req.force ?? false;
  const accept = (req.acceptChanged ?? []).map((f) => resolve(f));
  const { runbook, forced } = runbookFor(t, force || accept.includes(t.header.runbook.file));
  const callees = recordedCallees(t); // loaded as the run loaded them, never found by name again
  const retarget = req.retarget ?? false; // continues with a callee edited since, too: every gate asks again
  const point = findResumePoint(t, runbook.doc, { // refuses a finished run first, and a callee in flight that changed
    loadCalled: calledLoader(callees), force: force || retarget, accepted: new Set(accept), onForced: tellForced(host.say, force ? '--force' : '--retarget'),
  });
  const accepted = checkCalledFiles(t, accept, force, retarget ? host.say : undefined); // every other runbook the run may still call
  // and by the same files: a name found elsewhere now is another runbook (--retarget: the recorded ones run)
  checkSameCallees(t, runbook, req.retarget ?? false, host.say);
  // One driver per run: the team store's word first (it knows other machines); --takeover overrides it, and
  // the driver before stops at its next write or check (lease.ts).
  const head = headOfHeader(t.header);
  if (req.store && head && !req.takeover && !req.claimed) await checkNoDriver(req.store, head);
  // The lock says no live process writes it; a writer of an older version (without the lock) may still.
  const running = req.takeover ? undefined : writerStillRunning(t);
  if (running !== undefined) throw new UserError(`this run is still going (pid ${running} on this host); stop it first, or let it finish`);
  if (point.dryRun !== (req.dryRun ?? false)) {
    throw new UserError(point.dryRun
      ? 'this transcript is of a dry run: its destructive steps never ran. Resume it with --dry-run, or start a real run'
      : 'this transcript is of a real run; a dry run cannot continue it (drop --dry-run)');
  }
  await noOrphans(t, req.waitForOrphans ?? false, host.say);
  return { runbook, ...(forced ? { forced } : {}), point, accepted, head, callees };
}
