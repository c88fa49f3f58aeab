// `runbook report` of a transcript file, in passes over the file instead of all of it in memory: the first
// gathers the summary (facts.ts), the next write the timeline, the outputs and (JSON) the path's every step as
// they are read. A transcript of gigabytes is reported in memory bounded by its longest line and the steps open
// at once. The text is the same as renderMarkdown / JSON of buildReport over the file read whole
// (test/transcript/report-stream.test.ts).
import type { HeaderLine, TranscriptLine } from '../../events/schema.js';
import { streamTranscript } from '../reader.js';
import { terminalJsonText } from '../../common/terminal-text.js';
import { FactsFold, type ReportHead } from './facts.js';
import { Lazy, jsonPieces } from './json-stream.js';
import { markdownLines } from './markdown.js';
import { pathBranches, pathSteps } from './path.js';
import { reportModel } from './build.js';
import { timelineEntries } from './timeline.js';

/** The report of the transcript at `path`, in pieces that join to the whole text. */
export function* reportPieces(path: string, format: 'markdown' | 'json'): Generator<string> {
  const { head, count } = firstPass(path);
  // Every later pass reads the lines the first one counted, and no more: a run still writing the file adds
  // lines the summary did not see.
  const lines = (): Iterable<TranscriptLine> => bodyOf(path, count);
  // The timeline's pass keeps no output; the outputs' pass keeps each open step's.
  const rows = function* () { for (const e of timelineEntries(lines(), head.titles, false)) yield e.row; };
  const blocks = function* () { for (const e of timelineEntries(lines(), head.titles, true)) if (e.output) yield e.output; };
  if (format === 'markdown') {
    let previous: string | undefined;
    // Line by line, each with the break after it, the last without: the text renderMarkdown joins.
    for (const line of markdownLines(head.model, head.endRecorded, rows(), blocks())) {
      if (previous !== undefined) yield `${previous}\n`;
      previous = line;
    }
    if (previous !== undefined) yield previous;
    return;
  }
  const model = reportModel(head, new Lazy(rows), new Lazy(blocks),
    { steps: new Lazy(() => pathSteps(lines(), head.firstStep)), branches: new Lazy(() => pathBranches(lines())), ...(head.pathEndedAt ? { endedAt: head.pathEndedAt } : {}) });
  // terminalJson's escapes are per character: each piece escaped alone reads as the whole escaped at once.
  for (const piece of jsonPieces(model)) yield terminalJsonText(piece);
  yield '\n';
}

function firstPass(path: string): { head: ReportHead; count: number } {
  const facts = new FactsFold();
  const read = streamTranscript(path);
  const first = read.next();
  const header = first.value as HeaderLine; // streamTranscript throws on a file without a header
  let count = 0;
  for (let step = read.next(); ; step = read.next()) {
    if (step.done) return { head: facts.head(path, header, step.value), count };
    facts.take(step.value);
    count++;
  }
}

/** The first `count` lines after the header. */
function* bodyOf(path: string, count: number): Generator<TranscriptLine> {
  const read = streamTranscript(path);
  try {
    read.next();
    for (let n = 0; n < count; n++) {
      const step = read.next();
      if (step.done) return;
      yield step.value;
    }
  } finally {
    read.return(undefined as never); // the file is closed however the reader stops
  }
}
