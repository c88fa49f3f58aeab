// One runbook run through the CLI, dry or real, reduced to what a dry run and a real run must agree on (issue
// #35): the steps started, the class each check found, what named shell steps printed, the questions asked,
// what the destructive steps did and the ending. Shared by dry-run-every-builtin and dry-run-routes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readEvents, runCli, type TranscriptEvent } from '../runbooks/helpers.js';

export interface Run {
  path: string[]; asked: string[];
  /** stepId → the class (or status) its result had; destructive steps are left out (see `acted`). */
  classes: Record<string, string>;
  /** stepId → stdout of the shell steps named in `shells`. */
  printed: Record<string, string>;
  /** destructive stepId → 'dry-run' (shown, not run), 'ran', or 'skipped'. */
  acted: Record<string, string>;
  end: { outcome?: unknown; stepId?: unknown; message: string };
  /** stepId → the instructions a question showed (the advice). */
  said: Record<string, string>;
}

export interface RunOptions { answers: string[]; approve?: string[]; shells?: string[]; env?: NodeJS.ProcessEnv }

type Asked = { question?: { stepId?: string; action?: { instructions?: string } } };
type Result = { status?: string; classification?: string; value?: unknown; stdout?: string };

/** Runs `runbook run <name>` (--plain, answers on stdin, destructive steps approved by name) into a transcript in `dir`. */
export async function runOf(dir: string, name: string, inputs: Record<string, string>, dry: boolean, opts: RunOptions): Promise<Run> {
  const transcript = join(dir, `${name}-${dry ? 'dry' : 'real'}-${Math.random().toString(36).slice(2)}.jsonl`);
  const args = ['run', name, '--plain', '--transcript', transcript, ...(dry ? ['--dry-run'] : []),
    ...(opts.approve ?? []).flatMap((id) => ['--approve', id]), ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
  const r = await runCli(args, { input: opts.answers.map((a) => `${a}\n`).join(''), ...(opts.env ? { env: opts.env } : {}) });
  const events = readEvents(transcript);
  const end = events.find((e) => e.type === 'run-finished');
  assert.ok(end, `${name}${dry ? ' --dry-run' : ''} did not finish: ${r.stdout}${r.stderr}`);
  const gated = new Set(events.filter((e) => e.type === 'confirmation-requested').map((e) => e.stepId!));
  const finished = events.filter((e) => e.type === 'step-finished') as (TranscriptEvent & { result: Result })[];
  const acted: Record<string, string> = {};
  for (const id of gated) {
    const f = finished.find((e) => e.stepId === id);
    acted[id] = f?.result.value === 'dry-run' ? 'dry-run' : f ? 'ran' : 'skipped';
  }
  return {
    path: events.filter((e) => e.type === 'step-started').map((e) => e.stepId!),
    asked: events.filter((e) => e.type === 'question-asked').map((e) => (e as Asked).question?.stepId ?? ''),
    said: Object.fromEntries(events.filter((e) => e.type === 'question-asked')
      .map((e) => [(e as Asked).question?.stepId ?? '', (e as Asked).question?.action?.instructions ?? ''])),
    classes: Object.fromEntries(finished.filter((e) => !gated.has(e.stepId!)).map((e) => [e.stepId!, e.result.classification ?? e.result.status ?? ''])),
    printed: Object.fromEntries((opts.shells ?? []).map((id) => [id, String(finished.find((e) => e.stepId === id)?.result.stdout ?? '')])),
    acted,
    end: { outcome: end.outcome, stepId: end.stepId, message: String(end.message) },
  };
}

/** A dry run and a real run that no destructive step separates: the same steps, findings, questions and ending. */
export function assertSameRun(real: Run, dry: Run): void {
  assert.deepEqual(dry.printed, real.printed, 'what the sandboxed shell steps printed');
  for (const [id, a] of Object.entries(dry.acted)) assert.equal(a, 'dry-run', `${id} was shown, not run`);
  assert.deepEqual(dry.path, real.path, 'the steps run');
  assert.deepEqual(dry.classes, real.classes, 'what each check found');
  assert.deepEqual(dry.asked, real.asked, 'the questions asked');
  assert.deepEqual([dry.end.outcome, dry.end.stepId], [real.end.outcome, real.end.stepId], `the ending: ${dry.end.message} / ${real.end.message}`);
}
