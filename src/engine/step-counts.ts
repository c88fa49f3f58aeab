// How many steps ended ok, failed and skipped: one count for the terminal UI, plain mode, the run-finished
// event and the report, so they never disagree (an aborted wait was "0 failed" on screen and "1 failed" in
// the report). Counted from the events, which every surface has (the transcript records them): each step
// visit's final step-finished (not one that will be retried) and each skip that is not a dry run's. Steps of
// called runbooks (ids `calling/inner`) are counted by their calling step. Failed: any end but ok and skipped
// (failed, timeout, aborted). Shown: a step a dry run only showed: it did not run, so it is not "ok" — the
// screen said "skipped … (dry run)" beside a summary that counted it ok.
//
// A shown step is known by its events, never by its result's value: the stand-in result's `value: dry-run` is
// data an operator's answer or a script's output can equal (a real run's answer `dry-run` was counted "shown,
// not run"). Only the engine publishes a step-skipped of reason dry-run, after the visit's step-started and
// before its step-finished; every transcript since the first holds that line, so old ones count the same.

export interface StepCounts { ok: number; failed: number; skipped: number; shown?: number }

/** The fields of an event (or transcript line) the count reads. */
export interface CountedEvent { type: string; stepId?: string; result?: { status: string; value?: unknown }; willRetry?: boolean; reason?: string }

/** "2 ok, 1 shown, not run, 0 failed, 0 skipped": every surface words the counts the same. */
export function countsText(c: StepCounts): string {
  return `${c.ok} ok, ${c.shown ? `${c.shown} shown, not run, ` : ''}${c.failed} failed, ${c.skipped} skipped`;
}

export function countSteps(events: Iterable<CountedEvent>): StepCounts {
  const counter = new StepCounter();
  for (const e of events) counter.add(e);
  return counter.counts;
}

/** Running counts, one event at a time (the engine counts as it publishes; the report as it reads). */
export class StepCounter {
  readonly counts: StepCounts = { ok: 0, failed: 0, skipped: 0 };
  private readonly shown = new DryRunShown();

  add(e: CountedEvent): void {
    if (e.stepId === undefined || e.stepId.includes('/')) return;
    const shown = this.shown.take(e);
    if (e.type === 'step-finished' && e.result && !e.willRetry) {
      if (e.result.status === 'ok' && shown) this.counts.shown = (this.counts.shown ?? 0) + 1;
      else if (e.result.status === 'ok') this.counts.ok++;
      else if (e.result.status === 'skipped') this.counts.skipped++;
      else this.counts.failed++;
    }
    if (e.type === 'step-skipped' && e.reason !== 'dry-run') this.counts.skipped++;
  }
}

/** Which step visits (and for_each items) a dry run showed, not ran: a step-skipped of reason dry-run between
 *  the visit's start and its finish. An item's skip ends at its item-finished: it marks the item, not the step. */
export class DryRunShown {
  private readonly open = new Set<string>();

  /** Takes the next event; true when it is the step-finished or item-finished of what the dry run showed. */
  take(e: CountedEvent): boolean {
    if (e.stepId === undefined) return false;
    if (e.type === 'step-skipped' && e.reason === 'dry-run') this.open.add(e.stepId);
    else if (e.type === 'step-started') this.open.delete(e.stepId);
    else if (e.type === 'step-finished' || e.type === 'item-finished') return this.open.delete(e.stepId);
    return false;
  }
}
