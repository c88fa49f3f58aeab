// A run's one publish point: every event is counted (step-counts.ts), masked, then handed to each listener.
// A critical listener (the transcript) that throws makes the record fatal: the run is told to stop, and nothing
// acts after it (StepRunner.recordingFailed).
import type { Redactor } from '../secrets/redactor.js';
import { maskLine } from '../events/mask.js';
import { maskCommandText } from './command-mask.js';
import type { RunEvent, RunEventListener } from './events.js';
import { recordedResult } from '../secrets/step-taint.js';
import { StepCounter, type StepCounts } from './step-counts.js';

/** A result of a step given a secret is published with what its code returned withheld (secrets/step-taint.ts):
 *  here, the one publish point, so that no listener (the transcript, the store, the screen) ever gets it. */
function withheldFields(event: RunEvent): RunEvent {
  if (event.type === 'step-finished' || event.type === 'item-finished') return { ...event, result: recordedResult(event.result) } as RunEvent;
  return event;
}

export class RunPublisher {
  private readonly listeners: { fn: RunEventListener; critical: boolean }[] = [];
  /** Counted as events are published (step-counts.ts: the report counts the same way from the transcript). */
  private readonly counter = new StepCounter();
  get counts(): StepCounts { return this.counter.counts; }
  private fatalMessage?: string;

  /** onFatal: called once, after the event that could not be recorded has gone to every listener. */
  constructor(private readonly redactor: Redactor, private readonly onFatal: (message: string) => void) {}

  /** Why the run can no longer be recorded, once a critical listener failed. */
  get fatal(): string | undefined { return this.fatalMessage; }

  on(fn: RunEventListener, options: { critical?: boolean } = {}): () => void {
    const entry = { fn, critical: options.critical ?? false };
    this.listeners.push(entry);
    return () => { const i = this.listeners.indexOf(entry); if (i >= 0) this.listeners.splice(i, 1); };
  }

  publish(event: RunEvent): void {
    // A step that finished before a resume counts as it ended then, as the report counts it from that line.
    this.counter.add(event.type === 'already-ran' ? { type: 'step-finished', stepId: event.stepId, result: { status: event.status } } : event);
    const masked = maskLine(this.redactor, maskCommandText(this.redactor, withheldFields(event)));
    for (const { fn, critical } of [...this.listeners]) {
      try {
        fn(masked);
      } catch (e) {
        if (!critical) continue;
        // The record stays attached: a step in flight still ends, and its finish and the run's end are
        // written if they can be (transcript/reserve.ts).
        if (!this.fatalMessage) {
          const message = `cannot record the run: ${(e as Error).message}`;
          this.fatalMessage = message;
          queueMicrotask(() => this.onFatal(message));
        }
      }
    }
  }
}
