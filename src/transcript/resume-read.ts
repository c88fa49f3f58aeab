// A transcript read for `resume` (issue #51): streamed, keeping only the lines resume's checks read, so that a
// transcript of gigabytes is rebuilt in memory bounded by the run's state, not by its output. Left out: the
// text of the output lines (no resume check reads it; each finish has its output restored from it first, as
// readTranscript does; one empty line stands for a run of them), and the output of a result that a later line of the same step replaced — the run's
// state holds a step's latest result only (resume/point.ts settle), as the machine's context does. Everything
// else is kept as readTranscript reads it, so every check decides from what it decided from before.
import type { TranscriptLine } from '../events/schema.js';
import type { StepResult } from '../executors/types.js';
import { streamTranscript, type Transcript } from './reader.js';

type Line<T extends TranscriptLine['type']> = Extract<TranscriptLine, { type: T }>;

/** The transcript at `path` as resume needs it: lines as readTranscript's, but for the output left out (above). */
export function readForResume(path: string): Transcript {
  const read = streamTranscript(path, true);
  const kept = new KeptLines();
  let step = read.next();
  if (step.done) throw new Error('a transcript stream ends after its header'); // lineEvents throws first
  const header = step.value as unknown as Transcript['header'];
  let lastSeq = header.seq;
  for (step = read.next(); !step.done; step = read.next()) {
    if (step.value.seq > lastSeq) lastSeq = step.value.seq;
    kept.take(step.value);
  }
  return { path, header, lines: kept.lines, ...step.value, lastSeq };
}

/** The lines kept, each step's replaced results without their output. */
class KeptLines {
  readonly lines: TranscriptLine[] = [];
  /** Where the line holding each step's latest result is (step id; step id and item index). */
  private readonly results = new Map<string, number>();
  private readonly items = new Map<string, number>();

  take(line: TranscriptLine): void {
    if (line.type === 'step-output') return this.output(line);
    const item = line.type === 'item-finished' && line.result.status !== 'aborted';
    // A finish no result comes from (a try to be retried, an item the stop cut short) is kept for its type and
    // status only (sessions and processes in flight, an interrupted item), so its output is not.
    const at = this.lines.push(setsResult(line) || item ? line : withoutOutput(line)) - 1;
    if (setsResult(line)) this.replace(this.results, line.stepId, at);
    if (item) this.replace(this.items, `${line.index}\0${line.stepId}`, at);
  }

  /** An output line is kept empty where it follows another kind of line: that a step had written something is
   *  what resume reads of it (a called runbook with only output recorded had started: point.ts innerVisit). */
  private output(line: Line<'step-output'>): void {
    const last = this.lines[this.lines.length - 1];
    if (last?.type === 'step-output' && last.stepId === line.stepId) return;
    this.lines.push({ ...line, chunk: '' });
  }

  /** `at` holds the latest result now: the one it replaces keeps its line, without the output. */
  private replace(latest: Map<string, number>, key: string, at: number): void {
    const before = latest.get(key);
    if (before !== undefined) this.lines[before] = withoutOutput(this.lines[before]!);
    latest.set(key, at);
  }
}

/** The lines whose result the run's state takes for the step's (resume/point.ts follow: settle). */
function setsResult(line: TranscriptLine): line is Line<'step-finished'> | Line<'step-skipped'> {
  return (line.type === 'step-finished' && !line.willRetry) || (line.type === 'step-skipped' && line.reason !== 'dry-run');
}

/** A copy without its result's streams (the line itself is the restorer's too: never changed). */
function withoutOutput(line: TranscriptLine): TranscriptLine {
  if (line.type !== 'step-finished' && line.type !== 'item-finished') return line;
  const { stdout: _o, stderr: _e, ...result } = line.result as StepResult;
  const items = result.items?.map(({ stdout: _io, stderr: _ie, ...item }) => item);
  return { ...line, result: { ...result, ...(items ? { items } : {}) } } as TranscriptLine;
}
