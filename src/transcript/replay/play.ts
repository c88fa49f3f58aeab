// Plays a transcript back: its lines in order, with the original pauses divided by `speed` (and never
// longer than MAX_PAUSE_MS), or one step at a time when the viewer presses Enter. No TTY needed.
import { duration, msBetween } from '../report/format.js';
import type { Transcript, TranscriptEnd } from '../reader.js';
import type { TranscriptLine } from '../../events/schema.js';
import { renderLine } from './render.js';

export const MAX_PAUSE_MS = 2000;

export interface ReplayOptions {
  speed: number;                         // 0: no pauses
  step: boolean;                         // wait for nextStep() before each step instead of pausing
  write(text: string): void;
  sleep(ms: number): Promise<void>;
  nextStep(): Promise<void>;             // resolves when the viewer asks for the next step
  width?: number;                        // the terminal's columns: rows are cut there (render.ts fitRow)
}

/** Plays a transcript read whole, or one streamed line by line (streamTranscript: a transcript of any size). */
export async function replay(t: Transcript | Generator<TranscriptLine, TranscriptEnd>, opts: ReplayOptions): Promise<void> {
  const lines = 'header' in t ? wholeLines(t) : t;
  let previous: string | undefined;
  const steps = new StepTracker();
  for (let next = lines.next(); ; next = lines.next()) {
    if (next.done) {
      if (next.value.torn.length) opts.write(`(${next.value.torn.length} partly written line(s) at the end of the transcript were skipped)\n`);
      return;
    }
    const line = next.value;
    if (opts.step && steps.startsNew(line)) await opts.nextStep();
    else if (!opts.step && previous) await pause(msBetween(previous, line.ts), opts);
    for (const text of renderLine(line, { width: opts.width })) opts.write(`${text}\n`);
    previous = line.ts;
  }
}

function* wholeLines(t: Transcript): Generator<TranscriptLine, TranscriptEnd> {
  yield t.header;
  yield* t.lines;
  return t;
}

/** One step = its confirmation, start, output, retries and branch: a new one begins when a line names a
 *  step other than the current one, or the same one after a branch (a loop). The first needs no Enter. */
class StepTracker {
  private current?: string;
  private seen = 0;

  startsNew(l: TranscriptLine): boolean {
    if (l.type === 'branch') { this.current = undefined; return false; }
    const id = l.type === 'confirmation-requested' || l.type === 'step-started' || l.type === 'step-skipped' || l.type === 'resumed' ? l.stepId : undefined;
    if (id === undefined || (id === this.current && l.type !== 'resumed')) return false;
    this.current = id;
    return this.seen++ > 0;
  }
}

async function pause(gapMs: number, opts: ReplayOptions): Promise<void> {
  if (opts.speed <= 0 || gapMs <= 0) return;
  const scaled = gapMs / opts.speed;
  if (scaled > MAX_PAUSE_MS) opts.write(`${' '.repeat(10)}⋯ ${duration(gapMs)} later\n`);
  await opts.sleep(Math.min(scaled, MAX_PAUSE_MS));
}
