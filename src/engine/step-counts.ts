// How many steps ended ok, failed and skipped: one count for the terminal UI, plain mode, the run-finished
// event and the report, so they never disagree (an aborted wait was "0 failed" on screen and "1 failed" in
// the report). Counted from the events, which every surface has (the transcript records them): each step
// visit's final step-finished (not one that will be retried) and each skip that is not a dry run's. Steps of
// called runbooks (ids `calling/inner`) are counted by their calling step. Failed: any end but ok and skipped
// (failed, timeout, aborted).

export interface StepCounts { ok: number; failed: number; skipped: number }

/** The fields of an event (or transcript line) the count reads. */
export interface CountedEvent { type: string; stepId?: string; result?: { status: string }; willRetry?: boolean; reason?: string }

export function countSteps(events: Iterable<CountedEvent>): StepCounts {
  const counts: StepCounts = { ok: 0, failed: 0, skipped: 0 };
  for (const e of events) add(counts, e);
  return counts;
}

/** Adds one event to running counts (the engine counts as it publishes). */
export function add(counts: StepCounts, e: CountedEvent): void {
  if (e.stepId === undefined || e.stepId.includes('/')) return;
  if (e.type === 'step-finished' && e.result && !e.willRetry) {
    if (e.result.status === 'ok') counts.ok++;
    else if (e.result.status === 'skipped') counts.skipped++;
    else counts.failed++;
  }
  if (e.type === 'step-skipped' && e.reason !== 'dry-run') counts.skipped++;
}
