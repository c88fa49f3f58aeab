// Reads a transcript back for report, resume and replay. Tolerant by design: a run killed mid-write leaves
// a torn last line, which is skipped and reported, never fatal. Only a missing or headless file is an error.
import { UserError } from '../common/errors.js';
import { describeFsError, headerless } from './file.js';
import { scanLines, type ScanEnd, type Scanned } from './line-scan.js';
import { OutputRestorer, restoreOutputs } from './output-refs.js';
import { EVENT_TYPES, FORMAT_VERSION, type EventLine, type HeaderLine, type TranscriptLine } from '../events/schema.js';

export interface TornLine { line: number; bytes: number }

export interface Transcript {
  path: string;
  header: HeaderLine;
  /** Every usable line after the header, in file order: events and the resumed / output-dropped records. */
  lines: TranscriptLine[];
  /** Partly written lines: the last line, or one a resume wrote after. Skipped. */
  torn: TornLine[];
  /** Other lines that were skipped, and why (line numbers from 1). */
  problems: string[];
  /** The text ends with a newline: a resume can append without first ending a torn line. */
  endsClean: boolean;
  /** The last line is torn: the interruption this transcript ends with cut a line short. */
  tornTail: boolean;
  /** The highest seq of the header and the lines, when a reader kept count (one that leaves lines out: resume). */
  lastSeq?: number;
}

/** The highest seq the transcript used (a loop: a spread of a long transcript's lines overflows the stack). */
export function lastSeqOf(t: Pick<Transcript, 'header' | 'lines' | 'lastSeq'>): number {
  if (t.lastSeq !== undefined) return t.lastSeq;
  let last = t.header.seq;
  for (const l of t.lines) if (l.seq > last) last = l.seq;
  return last;
}

export function readTranscript(path: string): Transcript {
  const read = lineEvents(path);
  const lines: TranscriptLine[] = [];
  let step = read.next();
  for (; !step.done; step = read.next()) lines.push(step.value);
  restoreOutputs(lines);
  const [header, ...rest] = lines as [HeaderLine, ...TranscriptLine[]];
  return { path, header, lines: rest, ...step.value };
}

/** What a reader that streams learns at the end: what was skipped, and how the file ends. */
export type TranscriptEnd = Omit<Transcript, 'path' | 'header' | 'lines'>;

/**
 * The transcript at `path` one line at a time, in memory bounded by its longest line and the output of the steps
 * still open, whatever the file's size (replay of a transcript of gigabytes): the header first, then each usable
 * line with its output restored as readTranscript restores it (but a loop's finish line without its items'
 * output: each item's came before it). What was skipped comes at the end. The same reading as readTranscript,
 * line for line: both are lineEvents. `itemOutput`: a loop's finish line gets its items' output back too, as
 * readTranscript's does (resume: the loop's result is the run's), holding it until the loop finishes.
 */
export function* streamTranscript(path: string, itemOutput = false): Generator<TranscriptLine, TranscriptEnd> {
  const restorer = new OutputRestorer(itemOutput);
  const read = lineEvents(path);
  for (let step = read.next(); ; step = read.next()) {
    if (step.done) return step.value;
    restorer.take(step.value);
    yield step.value;
  }
}

/** The header, then every usable line, in file order (nothing restored yet); returns what was skipped. */
function* lineEvents(path: string): Generator<TranscriptLine, TranscriptEnd> {
  const scan = scanLines(path);
  const state = new LineState(path);
  try {
    for (;;) {
      let step: IteratorResult<Scanned, ScanEnd>;
      try { step = scan.next(); } catch (e) { throw new UserError(`cannot read transcript ${path}: ${describeFsError(e)}`); }
      if (step.done) return state.end(step.value);
      const line = state.take(step.value);
      if (line) yield line;
    }
  } finally {
    scan.return(undefined as never); // a reader that stops early (the header alone) closes the file now
  }
}

/** The transcript's header, read alone: throws as readTranscript does for a missing or headless file. */
export function readHeader(path: string): HeaderLine {
  const read = lineEvents(path);
  try { return read.next().value as HeaderLine; } finally { read.return(undefined as never); }
}

/** The reading of the scanned lines: the first usable one must be the header, on line 1. */
class LineState {
  private readonly torn: TornLine[] = [];
  private readonly problems: string[] = [];
  private header: HeaderLine | undefined;
  /** Why a line before the header was skipped: said when there is no header. */
  private firstProblem: string | undefined;

  constructor(private readonly path: string) {}

  /** The line to hand on (the header first), if the scanned one is usable. */
  take(s: Scanned): TranscriptLine | undefined {
    if (s.kind === 'problem') { this.problems.push(s.text); if (!this.header) this.firstProblem ??= s.text; return undefined; }
    if (s.kind === 'torn') this.torn.push({ line: s.n, bytes: s.bytes });
    const value = s.kind === 'line' ? s.value : s.recovered;
    if (!value) return undefined;
    if (!this.header) {
      if (value.type !== 'header' || s.n !== 1) this.headerless();
      this.header = value as unknown as HeaderLine;
      if (this.header.format > FORMAT_VERSION) this.problems.unshift(`written in transcript format ${this.header.format}; this runbook reads format ${FORMAT_VERSION} and may miss details`);
    }
    return value as unknown as TranscriptLine;
  }

  end(scan: ScanEnd): TranscriptEnd {
    if (!this.header) this.headerless();
    return { torn: this.torn, problems: this.problems, endsClean: scan.endsClean, tornTail: this.torn[this.torn.length - 1]?.line === scan.count };
  }

  private headerless(): never {
    const empty = headerless(this.path);
    const why = this.firstProblem?.startsWith('line 1: ') ? ` (${this.firstProblem.slice(8)})` : '';
    throw new UserError(empty ? `${this.path} ${empty}` : `${this.path} is not a runbook transcript: its first line is not a transcript header${why}`);
  }
}

/** The engine's events only (no header, resumed or output-dropped records). */
export function eventsOf(t: Transcript): EventLine[] {
  return t.lines.filter((l): l is EventLine => EVENT_TYPES.includes(l.type));
}
