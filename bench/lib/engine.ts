// Runs a runbook through the real engine in this process: compiled machine, step runner, real executors,
// optionally the real transcript writer (a write per line, fsync at step boundaries in the background). No UI: figure 2 measures that.
import { join } from 'node:path';
import { Run } from '../../src/engine/run.js';
import { createExecutors } from '../../src/executors/index.js';
import { parseRunbook, type Runbook } from '../../src/language/runbook.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { attachTranscript } from '../../src/transcript/index.js';

export function mustParse(text: string, file: string): Runbook {
  const { runbook, diagnostics } = parseRunbook(text, file);
  if (!runbook) throw new Error(`generated runbook ${file} is invalid: ${JSON.stringify(diagnostics.slice(0, 3))}`);
  return runbook;
}

let transcriptCount = 0;

/** Wall time (ms) of one whole run, from compiling the machine to the run-finished event. */
export async function timeRun(runbook: Runbook, opts: { inputs?: Record<string, unknown>; transcriptDir?: string } = {}): Promise<number> {
  const redactor = new Redactor();
  const executors = createExecutors();
  const started = performance.now();
  const run = new Run({ runbook, inputs: opts.inputs ?? {}, redactor, executors });
  const transcript = opts.transcriptDir
    ? attachTranscript(run, runbook, { file: join(opts.transcriptDir, `run-${process.pid}-${transcriptCount++}.jsonl`), argv: ['bench'], redactor })
    : undefined;
  try {
    const finished = await run.start();
    const elapsed = performance.now() - started;
    if (finished.outcome !== 'resolved') throw new Error(`bench run ended ${finished.outcome}: ${finished.message}`);
    return elapsed;
  } finally {
    await executors.close();
    transcript?.close();
  }
}

/** Executors that do nothing and succeed at once: what is left is the engine's own bookkeeping. */
export const NOOP_EXECUTORS = {
  async execute() { return { status: 'ok' as const, durationMs: 0, exitCode: 0, stdout: '', stderr: '', outputBytes: 0 }; },
  async close() { /* nothing open */ },
};

/** Wall time (ms) of one run with the no-op executors. */
export async function timeBookkeeping(runbook: Runbook): Promise<number> {
  const started = performance.now();
  const finished = await new Run({ runbook, inputs: {}, redactor: new Redactor(), executors: NOOP_EXECUTORS }).start();
  if (finished.outcome !== 'resolved') throw new Error(`bench run ended ${finished.outcome}: ${finished.message}`);
  return performance.now() - started;
}

/** `runs` runs of the same runbook, one after the other: total wall time (ms). */
export async function timeRuns(runs: number, runbook: Runbook, opts: Parameters<typeof timeRun>[1] = {}): Promise<number> {
  let total = 0;
  for (let i = 0; i < runs; i++) total += await timeRun(runbook, opts);
  return total;
}
