// A finish line that does not grow with its output: a step's (or item's) stdout and stderr are already in the
// transcript as its `step-output` lines, so its `step-finished` / `item-finished` line names them by size and
// sha256 instead of repeating them. The finish of a destructive step is what resume trusts to never run it
// twice; a small line is written (and synced) in one go, where a large one is likelier to be torn by a full
// disk or a kill. The reader puts the text back (restoreOutputs), so every consumer sees whole results.
// Short output (INLINE_MAX_BYTES), and output that is not all in the output lines (over the budget, a secret
// step's, masked differently), stays inline.
import { createHash } from 'node:crypto';
import type { OutputRef, OutputRefs } from '../engine/events.js';
import type { StepResult } from '../executors/types.js';
import type { TranscriptLine } from '../events/schema.js';

type Stream = 'stdout' | 'stderr';

/** How a stream restored only in part says so (resume/lost-values.ts: a resumed run does not act on it). */
export const PARTIAL_OUTPUT = '[the transcript holds only part of this output: ';

/** A stream up to this size stays in the finish line (readers of the raw lines see it there, as before); a longer
 *  one is named. A finish line is so at most a few KiB, whatever the output. */
export const INLINE_MAX_BYTES = 1024;
const STREAMS: readonly Stream[] = ['stdout', 'stderr'];

const refOf = (text: string): OutputRef => ({ bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
const same = (ref: OutputRef, text: string): boolean => { const r = refOf(text); return r.bytes === ref.bytes && r.sha256 === ref.sha256; };

/** The output lines written since a step (or item) began, per step id. */
export class OutputTrack {
  private readonly text = new Map<string, Record<Stream, string>>();

  begin(stepId: string): void { this.text.set(stepId, { stdout: '', stderr: '' }); }

  add(stepId: string, stream: Stream, chunk: string): void {
    const t = this.text.get(stepId) ?? { stdout: '', stderr: '' };
    t[stream] += chunk;
    this.text.set(stepId, t);
  }

  /** The result without the streams the output lines hold (named in `refs`), and what began again (the next item). */
  take<R extends Omit<StepResult, 'items'>>(stepId: string, result: R): { result: R; refs?: OutputRefs } {
    const recorded = this.text.get(stepId) ?? { stdout: '', stderr: '' };
    this.begin(stepId);
    const out: Record<string, unknown> = { ...result };
    const refs: OutputRefs = {};
    for (const s of STREAMS) {
      const text = result[s];
      if (typeof text !== 'string' || Buffer.byteLength(text) <= INLINE_MAX_BYTES || text !== recorded[s]) continue;
      refs[s] = refOf(text);
      delete out[s];
    }
    return Object.keys(refs).length ? { result: out as R, refs } : { result };
  }
}

/** A for_each step's result without each item's streams: its item-finished lines hold (or name) them. */
export function withoutItemOutput(result: StepResult): { result: StepResult; itemsOutput?: true } {
  if (!result.items?.some((i) => i.stdout !== undefined || i.stderr !== undefined)) return { result };
  return { result: { ...result, items: result.items.map(({ stdout: _o, stderr: _e, ...rest }) => rest) }, itemsOutput: true };
}

/** Puts the streams back into the finish lines that name them, from the output lines before each; a stream
 *  whose lines do not add up (some were torn or lost) is restored as far as they go and said to be partial. */
export function restoreOutputs(lines: TranscriptLine[]): void {
  const restorer = new OutputRestorer();
  for (const line of lines) restorer.take(line);
}

/** restoreOutputs one line at a time, for a reader that streams (reader.ts). It holds the output of the steps
 *  not finished yet (each visit's is bounded: output-budget.ts) and, with `itemOutput`, every finished item's
 *  output until its loop finishes; without it (replay, which shows each item's output as it came), none. */
export class OutputRestorer {
  private readonly track = new Map<string, Record<Stream, string>>();
  private readonly items = new Map<string, Map<number, Omit<StepResult, 'items'>>>();

  constructor(private readonly itemOutput = true) {}

  private pending(id: string): Record<Stream, string> { return this.track.get(id) ?? { stdout: '', stderr: '' }; }

  take(line: TranscriptLine): void {
    switch (line.type) {
      case 'step-started':
        this.track.set(line.stepId, { stdout: '', stderr: '' });
        if (line.attempt === 1) this.items.set(line.stepId, new Map());
        break;
      case 'step-output': {
        const t = this.pending(line.stepId);
        t[line.stream] += line.chunk;
        this.track.set(line.stepId, t);
        break;
      }
      case 'item-finished':
        restore(line.result, line.output, this.pending(line.stepId));
        this.track.set(line.stepId, { stdout: '', stderr: '' });
        if (this.itemOutput) (this.items.get(line.stepId) ?? this.items.set(line.stepId, new Map()).get(line.stepId)!).set(line.index, line.result);
        break;
      case 'step-finished':
        restore(line.result, line.output, this.pending(line.stepId));
        if (this.itemOutput && line.itemsOutput && line.result.items) {
          const done = this.items.get(line.stepId);
          line.result.items = line.result.items.map((i) => {
            const r = done?.get(i.index);
            return { ...i, ...(r?.stdout !== undefined ? { stdout: r.stdout } : {}), ...(r?.stderr !== undefined ? { stderr: r.stderr } : {}) };
          });
        }
        this.track.set(line.stepId, { stdout: '', stderr: '' });
        break;
      default:
    }
  }
}

function restore(result: Omit<StepResult, 'items'>, refs: OutputRefs | undefined, recorded: Record<Stream, string>): void {
  if (!refs) return;
  for (const s of STREAMS) {
    const ref = refs[s];
    if (!ref) continue;
    const text = recorded[s];
    result[s] = same(ref, text) ? text : `${text}\n${PARTIAL_OUTPUT}${Buffer.byteLength(text)} of ${ref.bytes} bytes]`;
  }
}
