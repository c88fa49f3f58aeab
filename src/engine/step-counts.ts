// How many steps ended ok, failed and skipped: one count for the terminal UI, plain mode, the run-finished
// event and the report, so they never disagree (an aborted wait was "0 failed" on screen and "1 failed" in
// the report). Counted from the events, which every surface has (the transcript records them): each step
// visit's final step-finished (not one that will be retried) and each skip that is not a dry run's. Steps of
// called runbooks (ids `calling/inner`) are counted by their calling step. Failed: any end but ok and skipped
// (failed, timeout, aborted). Shown: a step a dry run only showed (its result `value: dry-run`): it did not run,
// so it is not "ok" — the screen said "skipped … (dry run)" beside a summary that counted it ok.

export interface StepCounts { ok: number; failed: number; skipped: number; shown?: number }

/** The fields of an event (or transcript line) the count reads. */
export interface CountedEvent { type: string; stepId?: string; result?: { status: string; value?: unknown }; willRetry?: boolean; reason?: string }

/** "2 ok, 1 shown, not run, 0 failed, 0 skipped": every surface words the counts the same. */
export function countsText(c: StepCounts): string {
  return `${c.ok} ok, ${c.shown ? `${c.shown} shown, not run, ` : ''}${c.failed} failed, ${c.skipped} skipped`;
}

export function countSteps(events: Iterable<CountedEvent>): StepCounts {
  const counts: StepCounts = { ok: 0, failed: 0, skipped: 0 };
  for (const e of events) add(counts, e);
  return counts;
}

/** Adds one event to running counts (the engine counts as it publishes). */
export function add(counts: StepCounts, e: CountedEvent): void {
  if (e.stepId === undefined || e.stepId.includes('/')) return;
  if (e.type === 'step-finished' && e.result && !e.willRetry) {
    if (e.result.status === 'ok' && e.result.value === 'dry-run') counts.shown = (counts.shown ?? 0) + 1;
    else if (e.result.status === 'ok') counts.ok++;
    else if (e.result.status === 'skipped') counts.skipped++;
    else counts.failed++;
  }
  if (e.type === 'step-skipped' && e.reason !== 'dry-run') counts.skipped++;
}
