// Shared by the transcript tests: fixtures, scratch directories, an in-process run with scripted
// answers (real executors, real transcript), and the CLI as a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { readRunbook, type Runbook } from '../../src/language/runbook.js';
import { Run, type RunOptions } from '../../src/engine/run.js';
import type { ConfirmAnswer, RunFinished } from '../../src/engine/events.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { resolveInputs } from '../../src/engine/inputs.js';
import { createExecutors } from '../../src/executors/index.js';
import { attachTranscript, type AttachOptions } from '../../src/transcript/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const FIXTURES = join(here, 'fixtures');
export const fixture = (name: string) => join(FIXTURES, `${name}.yaml`);

export function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function loadRunbookFile(file: string): Runbook {
  const { runbook, diagnostics } = readRunbook(file);
  if (!runbook) throw new Error(`fixture ${file} does not load: ${JSON.stringify(diagnostics)}`);
  return runbook;
}

export interface Script {
  confirm?: Record<string, ConfirmAnswer>;     // by step id; default yes
  answers?: Record<string, string>;            // manual / prompt answers by step id
  notes?: Record<string, string>;              // a note written when the step starts
}

/** Answers for fixtures/everything.yaml: restart confirmed, purge skipped, the dashboard fixed, a ticket, a note. */
export const EVERYTHING_SCRIPT: Script = {
  confirm: { purge: 'skip' },
  answers: { check: 'fixed', ask: '4711' },
  notes: { restart: 'Paged the service owner before restarting | see #ops' },
};

/** Runs a runbook in this process with a transcript, answering from the script like an operator would.
 *  Inputs are resolved (defaults, secrets registered) the way `run` resolves them. */
export async function runWithTranscript(runbook: Runbook, given: Record<string, string>, file: string, script: Script = {},
  extra: { run?: Partial<RunOptions>; attach?: Partial<AttachOptions>; env?: NodeJS.ProcessEnv } = {}): Promise<RunFinished> {
  const redactor = new Redactor();
  const { values: inputs, problems } = resolveInputs(runbook.doc, given, extra.env ?? {}, redactor);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('\n'));
  const executors = createExecutors();
  const run = new Run({ runbook, inputs, redactor, executors, operator: 'tester', ...extra.run });
  const transcript = attachTranscript(run, runbook, { file, argv: ['run', runbook.file], redactor, inputs, ...extra.attach });
  run.on((e) => {
    if (e.type === 'confirmation-requested') {
      setTimeout(() => run.confirm(e.stepId, script.confirm?.[e.stepId] ?? 'yes', e.risk === 'high' ? 'typed' : 'key'), 5);
    } else if (e.type === 'question-asked') {
      setTimeout(() => run.answer(e.questionId, script.answers?.[e.question.stepId] ?? 'done'), 5);
    } else if (e.type === 'step-started' && e.attempt === 1 && script.notes?.[e.stepId]) {
      run.note(script.notes[e.stepId]!, e.stepId);
    }
  });
  try {
    return await run.start();
  } finally {
    await executors.close();
    transcript.close();
  }
}

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** `node bin/runbook.js …` from the repository root, as every other CLI helper runs it: the bundle in dist/, what
 *  ships (`npm test` builds it first; bin/runbook.js falls back to the sources without it), ~0.2 s of CPU a call.
 *  With `source`, the TypeScript sources through tsx (0.5–1.9 s a call), for a test about that path. */
export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string; cwd?: string; source?: boolean } = {}): Promise<CliResult> & { pid: () => number | undefined; kill: (s: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), ...args], {
    cwd: opts.cwd ?? ROOT, env: { ...process.env, RUNBOOK_FROM_SOURCE: opts.source ? '1' : '', NO_COLOR: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.end(opts.stdin ?? '');
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(done, { pid: () => child.pid, kill: (s: NodeJS.Signals) => { child.kill(s); } });
}

export { until } from '../helpers/poll.js';

/** A run whose first step takes its own transcript away (`act`, with $D its directory), then would act. */
export function vanishRunbook(tdir: string, act: string): string {
  return `name: vanish
title: The transcript goes away
inputs:
  dir: { required: true }
steps:
  - id: vanish
    destructive: true
    shell: D=${tdir}; ${act}
  - id: act
    destructive: true
    shell: echo acted >> \${{ inputs.dir }}/acted
  - id: done
    end: resolved
    message: acted
`;
}
