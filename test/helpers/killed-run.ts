// After a kill -9 of runbook: `resume` refuses while the killed run's step still runs. The step's watcher stops
// it a moment after the kill, and resume allows for that (3 s, src/resume/targets.ts), but a loaded machine
// can take longer (issue #20). Tests that resume a killed run wait for the state resume itself checks.
import { readTranscript } from '../../src/transcript/reader.js';
import { liveOrphans } from '../../src/transcript/orphans.js';
import { until } from './poll.js';

/** Resolves once no step process group of the transcript's run is alive. Hang guard: ~0.1 s idle. */
export async function killedStepsGone(transcript: string, timeoutMs = 60_000): Promise<void> {
  await until(() => liveOrphans(readTranscript(transcript)).length === 0, timeoutMs, "the killed run's step processes to be stopped");
}
