// Everything `run` and `resume` share: inputs, secrets, executors, transcript, UI, signals, exit code.
import { passFilePasswords } from '../db/pgpass.js';
import { startPlaceOf } from '../resume/place.js';
import { resolvedInputs } from '../resume/input-prints.js';
import { readFileSync } from 'node:fs';
import type { Runbook } from '../language/runbook.js';
import { Redactor } from '../secrets/redactor.js';
import { resolveInputs } from '../engine/inputs.js';
import { Run, type RunOptions } from '../engine/run.js';
import { durationMs, MAX_DURATION_MS } from '../language/duration.js';
import { readsWhole, renderShown, renderTemplate } from '../engine/render.js';
import { taintFor, withTaint } from '../secrets/taint.js';
import { createExecutors, type BeforeAct } from '../executors/index.js';
import { EXIT, exitCodeFor, UserError } from '../common/errors.js';
import { setOwn } from '../common/own.js';
import { runbookCaller, runVariables } from './call-runbook.js';
import { checkApproveIds } from './approve-ids.js';
import { calledFiles } from '../catalog/called-files.js';
import { isLostTerminal, releaseDeadTerminal } from '../ui/terminal.js';
import { storeForRun } from './team-store.js';
import { attachFourEyes } from './four-eyes-gate.js';
import { hasApprovalSteps } from './approval-steps.js';
import { createTeamFeed } from '../ui/team-feed.js';
import { sayError } from './say.js';
import type { ResumeMarker } from '../transcript/header.js';
import type { LockedTranscript } from '../transcript/index.js';
import type { StoreClient } from '../store/client.js';

export interface RunFlags {
  input: string[];
  envFile?: string;
  transcript?: string | false;
  dryRun?: boolean;
  plain?: boolean;
  approve: string[];
  skip?: string[];   // --skip: steps skipped before the run starts (engine/compile.ts)
  yes?: boolean;
  deadline?: string;
  /** The team store (else RUNBOOK_STORE, else runbook.config.yaml): see cli/team-store.ts. */
  store?: string;
  /** At a four-eyes gate with the store unreachable (or none configured): go on, recording this reason. */
  breakGlass?: string;
}

/** `claimed`: resume claimed the run in the team store (resume/lease.ts); its connection holds the lock. */
export interface PreparedRun { run: Run; redactor: Redactor; inputs: Record<string, unknown>; execute(claimed?: { client: StoreClient; epoch: number }): Promise<number> }

/** `resume`: append to this existing transcript, after a marker saying where the run continues. */
export interface SessionOptions {
  /** `decided`: by step, when the teammate's decision the run last acted on was made (resume/decisions.ts). */
  appendTo?: { path: string; marker: ResumeMarker; locked?: LockedTranscript; decided?: ReadonlyMap<string, string> };
  /** A resumed run: the file each `runbook:` step loaded (calleeKey → file), loaded again as recorded, not by name. */
  callees?: ReadonlyMap<string, string>;
}

const SECRET_ENV = ['PGPASSWORD', 'MYSQL_PWD', 'MYSQL_PASSWORD', 'DB_PASSWORD'];

export async function prepareRun(runbook: Runbook, flags: RunFlags, extra: Partial<RunOptions> = {}, session: SessionOptions = {}): Promise<PreparedRun> {
  checkApproveIds(runbook, flags.approve);
  checkApproveIds(runbook, flags.skip ?? [], '--skip');
  const env = { ...process.env, ...(flags.envFile ? readEnvFile(flags.envFile) : {}) };
  const redactor = new Redactor();
  // Credential variables no step inherits (secrets/credential-env.ts): what a script could print of them is
  // registered before the first action (beforeAct below), not before the first step is shown.
  for (const name of SECRET_ENV) redactor.addLater(env[name]);
  for (const password of passFilePasswords(env)) redactor.addLater(password); // what the engine may log in with
  if (env.DATABASE_URL) redactor.addUrl(env.DATABASE_URL, { later: true });
  if (env.RUNBOOK_STORE) redactor.addUrl(env.RUNBOOK_STORE, { later: true }); // the team store's password, should a step print it
  const { values, problems } = resolveInputs(runbook.doc, parseInputs(flags.input), env, redactor);
  if (problems.length) throw new UserError(problems.map((p) => p.message).join('\n'));
  const deadlineMs = flags.deadline === undefined ? undefined : parseDeadline(flags.deadline);
  const target = targetOf(runbook, values, redactor);
  // No script of the run inherits a variable any runbook of it reads an input from (the called ones too).
  const withheld = runVariables(runbook);
  // One driver per run: each action first asks the team store whether this process still drives it (team-store.ts).
  const driver: { mayAct: BeforeAct } = { mayAct: async () => undefined };
  const beforeAct: BeforeAct = (action) => { redactor.scriptFormsNow(); return driver.mayAct(action); };
  const executors = createExecutors({ env, withheld, beforeAct });
  // A resumed run reads the inputs resolved now: secrets masked in the transcript were supplied again.
  const resume = extra.resume ? { resume: { ...extra.resume, context: { ...extra.resume.context, inputs: values } } } : {};
  const run: Run = new Run({
    runbook, inputs: values, redactor, executors, dryRun: flags.dryRun ?? false, env, skip: flags.skip ?? [],
    callRunbook: runbookCaller(() => run, runbook, redactor, flags.dryRun ?? false, 0, env, withheld, beforeAct, session.callees),
    ...(deadlineMs !== undefined ? { deadlineMs } : {}), ...(target ? { target } : {}), ...extra, ...resume,
  });
  return {
    run, redactor, inputs: values,
    async execute(claimed) {
      const { attachTranscript } = await import('../transcript/index.js');
      const { attachUI } = await import('../ui/index.js');
      const { appendTo } = session;
      const interactive = !flags.plain && process.stdin.isTTY === true && process.stdout.isTTY === true;
      // Before the transcript exists: from here a stop is recorded (the run starts, sees it, ends interrupted).
      let transcriptPath: string | undefined;
      const stopSignals = onSignals(run, interactive, () => transcriptPath);
      let transcript: ReturnType<typeof attachTranscript> | undefined;
      let ui: Awaited<ReturnType<typeof attachUI>>;
      // The store's and four eyes' lines: drawn by the terminal UI while it is up, else on stderr.
      const feed = createTeamFeed((line) => sayError(`${line}\n`));
      const store = flags.transcript === false && !appendTo ? undefined : await storeForRun(flags.store, feed, {
        ...(appendTo ? { resume: { claimed } } : {}),
        onLost: (message) => run.abort(`Stopped: ${message}. Nothing more runs here.`, 'interrupted'),
        breakGlass: flags.breakGlass,
      });
      if (store) driver.mayAct = (action) => store.mayAct(action);
      try {
        transcript = flags.transcript === false && !appendTo ? undefined : attachTranscript(run, runbook, {
          file: appendTo?.path ?? (typeof flags.transcript === 'string' ? flags.transcript : undefined), argv: process.argv.slice(2), redactor, inputs: values,
          ...(target ? { target } : {}), ...(appendTo ? { resume: appendTo.marker } : {}), ...(appendTo?.locked ? { locked: appendTo.locked } : {}),
          ...(appendTo ? {} : { calls: calledFiles(runbook), place: startPlaceOf(env, resolvedInputs(runbook.doc, values, (text) => redactor.mask(text)), runbook.file, process.cwd(), runbook.doc) }), ...(store ? { sink: store.sink, storeRole: store.role } : {}),
        });
        transcriptPath = transcript?.path;
        if (!flags.dryRun && hasApprovalSteps(runbook)) {
          attachFourEyes(run, { url: store?.url, runId: () => store?.runId(), breakGlass: flags.breakGlass, feed });
        }
        ui = await attachUI(run, {
          // 'ink' unless --plain: the UI falls back to plain itself without a terminal on both ends, and says why when
          // the operator is at one (stdin a terminal, output piped to tee).
          mode: flags.plain ? 'plain' : 'ink', approve: flags.approve, yes: flags.yes ?? false, dryRun: flags.dryRun ?? false,
          doc: runbook.doc, ...(transcript ? { transcriptPath: transcript.path } : {}), team: feed,
        });
      } catch (e) {
        stopSignals();
        transcript?.close();
        await executors.close();
        throw e;
      }
      let code: number;
      let lost: string | undefined;
      try {
        const finished = await run.start();
        await ui.done;
        code = exitCodeFor(finished.outcome);
      } finally {
        stopSignals();
        await ui.close(); // no-op after a normal end; after an exception it restores the terminal first
        await executors.close();
        transcript?.close();
        lost = await store?.finish(transcript?.path);
      }
      // The run ended here, but the store gave it to another driver before this end reached it: this driver's end
      // is not the run's (the winner's is), and it exits as every other driver that lost the run does.
      if (lost && code !== EXIT.interrupted) {
        sayError(`store: ${lost}; this copy of the run ended here (${transcript?.path ?? 'no local transcript'}), but the store's run is the other driver's\n`);
        return EXIT.interrupted;
      }
      return code;
    },
  };
}

/**
 * Signals and a lost terminal end the run cleanly: the step's processes are killed, its query cancelled,
 * the transcript closed with the outcome. SIGINT (Ctrl-C where no terminal UI reads it as a key) is the
 * operator's abort: `aborted`. SIGHUP (ssh dropped, tmux closed), SIGTERM (shutdown, a supervisor) and a
 * terminal that vanished (EIO or end-of-file on it) are nobody's decision to give up: `interrupted`, which
 * `runbook resume` continues.
 */
function onSignals(run: Run, interactive: boolean, transcriptPath: () => string | undefined): () => void {
  (globalThis as Record<symbol, unknown>)[Symbol.for('runbook.signals-taken')] = true; // bin/runbook.js stops handling them
  const resume = () => { const path = transcriptPath(); return path ? ` Continue with: runbook resume ${path}` : ''; };
  const interrupt = (why: string) => run.abort(`Interrupted: ${why}.${resume()}`, 'interrupted');
  const handlers: [NodeJS.EventEmitter, string, (...a: unknown[]) => void][] = [
    [process, 'SIGINT', () => run.abort(`Aborted by ${run.operator} (SIGINT).`)],
    [process, 'SIGHUP', () => interrupt('the terminal hung up (SIGHUP)')],
    [process, 'SIGTERM', () => interrupt('stopped by SIGTERM')],
    // Writing to or reading from a terminal that is gone fails with EIO: the run ends, resumable.
    [process.stdout, 'error', (e) => { if (isLostTerminal(e)) interrupt('the terminal went away'); }],
    [process.stderr, 'error', (e) => { if (isLostTerminal(e)) interrupt('the terminal went away'); }],
    [process.stdin, 'error', (e) => { if (isLostTerminal(e)) interrupt('the terminal went away'); }],
  ];
  // Nothing left that could move the run on (a question no reader will answer, a promise nobody settles):
  // Node would exit 0 with the record cut short. End the run instead, failed and recorded, exit 1.
  handlers.push([process, 'beforeExit', () => run.abort('internal error: the run was left waiting for something nothing can deliver; stopped so the record is complete', 'failed')]);
  // In raw mode Ctrl-D is a key, so the terminal UI's stdin ends only when the terminal is gone.
  if (interactive) handlers.push([process.stdin, 'end', () => interrupt('the terminal went away (end of input)')]);
  for (const [emitter, name, fn] of handlers) emitter.on(name, fn);
  // A terminal that hung up must not turn the run's exit 75 into Node's abort (134) as the process ends.
  const wasTty: [boolean, boolean, boolean] = [process.stdin.isTTY === true, process.stdout.isTTY === true, process.stderr.isTTY === true];
  process.once('exit', () => releaseDeadTerminal(wasTty));
  return () => {
    for (const [emitter, name, fn] of handlers) emitter.off(name, fn);
    // A terminal lost at the very end must not turn into a crash while the process exits.
    for (const stream of [process.stdin, process.stderr]) stream.on('error', ignore);
  };
}

const ignore = (): void => undefined;

function parseInputs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      // Typically a URL given without its name: its credentials are not repeated.
      const shown = pair.replace(/:\/\/\S*@/g, '://****@');
      throw new UserError(`--input takes name=value, got '${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}'`);
    }
    setOwn(out, pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

function parseDeadline(text: string): number {
  const ms = durationMs(/^[0-9.]+$/.test(text) ? Number(text) : text) ?? NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new UserError(`--deadline takes a duration such as 90s or 15m, got '${text}'`);
  if (ms > MAX_DURATION_MS) throw new UserError(`--deadline ${text} is over the ${MAX_DURATION_MS / 3_600_000}h limit`);
  return ms;
}

export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { throw new UserError(`cannot read --env-file ${file}`); }
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new UserError(`${file}:${i + 1}: expected KEY=value`);
    setOwn(out, m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  });
  return out;
}

/** The database the run is about, for the header: the first connection, password masked. */
function targetOf(runbook: Runbook, inputs: Record<string, unknown>, redactor: Redactor): string | undefined {
  const first = Object.values(runbook.doc.connections ?? {})[0];
  if (!first) return undefined;
  try {
    const url = renderTemplate(first.url, { inputs, steps: {} });
    redactor.addUrl(url);
    // Shown as the run shows any template: a part computed from a secret is the mask whole (a piece of a secret
    // token as the host was shown in the header, the report and replay). Then the password's place in the URL
    // (one or two characters are too short to mask wherever they occur, but in a URL's userinfo they are still
    // a password), then every known secret.
    // A URL read whole from an input (`${{ inputs.url }}`, a secret one too) shows its server, its password masked.
    const shown = readsWhole(first.url) ? url : renderShown(first.url, withTaint({ inputs, steps: {} }, taintFor(redactor)));
    try { return redactor.showUrl(shown); } catch { return redactor.mask(shown); }
  } catch {
    return undefined;
  }
}
