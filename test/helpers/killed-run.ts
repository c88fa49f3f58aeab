// After a kill -9 of runbook: `resume` refuses while the killed run's step still runs. The step's watcher stops
// it a moment after the kill, and resume allows for that (3 s, src/resume/targets.ts), but a loaded machine
// can take longer (issue #20). Tests that resume a killed run wait for the state resume itself checks.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTranscript } from '../../src/transcript/reader.js';
import { liveOrphans } from '../../src/transcript/orphans.js';
import { until } from './poll.js';
import { cli, transcriptLines, writeRunbook } from '../hardening/helpers.js';

/** Resolves once no step process group of the transcript's run is alive. Hang guard: ~0.1 s idle. */
export async function killedStepsGone(transcript: string, timeoutMs = 60_000): Promise<void> {
  await until(() => liveOrphans(readTranscript(transcript)).length === 0, timeoutMs, "the killed run's step processes to be stopped");
}

/** The `wait` step killedRun's runbooks begin with (the runbook declares `inputs: go`), as YAML list items. */
export const GO_WAIT_STEP = `  - id: wait
    destructive: false
    safe_because: waits for the test's go file, and reads nothing else
    shell: touch \${{ inputs.go }}.waiting; while [ ! -e \${{ inputs.go }} ]; do sleep 0.1; done`;

/**
 * Runs `yaml` (a runbook with a `wait` step that touches `${go}.waiting`, then waits for `go`) with `--yes`, kills
 * it -9 while `wait` runs, waits until its steps are gone and lets `wait` finish next time. Returns the transcript.
 */
export async function killedRun(dir: string, name: string, yaml: string, input: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const go = join(dir, `${name}.go`);
  const runbook = writeRunbook(dir, name, yaml);
  const transcript = join(dir, `${name}.jsonl`);
  const run = cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '--input', `go=${go}`, ...input.flatMap((i) => ['--input', i])], { env });
  await until(() => existsSync(`${go}.waiting`), 60_000, 'the wait step');
  await until(() => transcriptLines(transcript).some((l) => l.type === 'step-process' && l.stepId === 'wait'), 60_000, 'the wait step\'s process line');
  run.child.kill('SIGKILL');
  await run;
  await killedStepsGone(transcript);
  writeFileSync(go, '');
  return transcript;
}
