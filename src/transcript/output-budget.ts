// Caps how much output one step visit may put in the transcript: a step that prints gigabytes must not
// fill the disk the transcript lives on. What is dropped is counted and recorded when the step finishes.
import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_OUTPUT_LIMIT = 256 * 1024;

interface Tally { recorded: number; dropped: number }

export class OutputBudget {
  private readonly steps = new Map<string, Tally>();

  constructor(readonly limitBytes = DEFAULT_OUTPUT_LIMIT) {}

  /** A new visit starts with a full budget; retries of the same visit share it. */
  stepStarted(stepId: string, attempt: number): void {
    if (attempt === 1 || !this.steps.has(stepId)) this.steps.set(stepId, { recorded: 0, dropped: 0 });
  }

  /** The part of the chunk to record ('' when the budget is spent), cut at a character boundary. */
  take(stepId: string, chunk: string): string {
    const tally = this.steps.get(stepId) ?? { recorded: 0, dropped: 0 };
    this.steps.set(stepId, tally);
    const bytes = Buffer.byteLength(chunk);
    const room = this.limitBytes - tally.recorded;
    if (bytes <= room) { tally.recorded += bytes; return chunk; }
    const kept = room > 0 ? new StringDecoder('utf8').write(Buffer.from(chunk).subarray(0, room)) : '';
    const keptBytes = Buffer.byteLength(kept);
    tally.recorded += keptBytes;
    tally.dropped += bytes - keptBytes;
    return kept;
  }

  /** What the step visit recorded and dropped; undefined when nothing was dropped. */
  overflow(stepId: string): Tally | undefined {
    const tally = this.steps.get(stepId);
    return tally && tally.dropped > 0 ? { ...tally } : undefined;
  }
}
