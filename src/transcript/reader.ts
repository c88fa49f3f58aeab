// Reads a transcript back for report, resume and replay. Tolerant by design: a run killed mid-write leaves
// a torn last line, which is skipped and reported, never fatal. Only a missing or headless file is an error.
import { readFileSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import { checkLine } from './check-line.js';
import { describeFsError, headerless } from './file.js';
import { restoreOutputs } from './output-refs.js';
import { recoverTornFinish } from './torn-finish.js';
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
}

export function readTranscript(path: string): Transcript {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UserError(`cannot read transcript ${path}: ${describeFsError(e)}`); }
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  const torn: TornLine[] = [];
  const problems: string[] = [];
  const parsed: { n: number; value: Record<string, unknown> }[] = [];
  raw.forEach((lineText, i) => {
    if (!lineText.trim()) return;
    const value = parse(lineText);
    if (value === undefined) {
      // Torn: the last line, one a resume ended, or one a failed write cut off that the run went on after (the
      // writer starts its next line on a line of its own: writer.ts).
      if (i === raw.length - 1 || nextIsResume(raw[i + 1]) || (isLineStart(lineText) && raw[i + 1]?.startsWith(LINE_START))) {
        torn.push({ line: i + 1, bytes: Buffer.byteLength(lineText) });
        // A finish cut short still says the step ended (torn-finish.ts).
        const recovered = recoverTornFinish(lineText);
        if (recovered) parsed.push({ n: i + 1, value: recovered as unknown as Record<string, unknown> });
      } else problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const why = checkLine(value);
    if (why) problems.push(`line ${i + 1}: ${why}`);
    else parsed.push({ n: i + 1, value: value as Record<string, unknown> });
  });
  const first = parsed[0];
  if (!first || first.value.type !== 'header' || first.n !== 1) {
    const empty = headerless(path);
    throw new UserError(empty ? `${path} ${empty}` : `${path} is not a runbook transcript: its first line is not a transcript header`);
  }
  const header = first.value as unknown as HeaderLine;
  if (header.format > FORMAT_VERSION) problems.unshift(`written in transcript format ${header.format}; this runbook reads format ${FORMAT_VERSION} and may miss details`);
  const lines = parsed.slice(1).map((p) => p.value as unknown as TranscriptLine);
  restoreOutputs(lines);
  return {
    path, header, lines, torn, problems,
    endsClean: text === '' || text.endsWith('\n'), tornTail: torn[torn.length - 1]?.line === raw.length,
  };
}

/** The engine's events only (no header, resumed or output-dropped records). */
export function eventsOf(t: Transcript): EventLine[] {
  return t.lines.filter((l): l is EventLine => EVENT_TYPES.includes(l.type));
}

/** How every line the writer writes begins. */
const LINE_START = '{"type":"';

/** A line the writer began: its start, or only the first bytes of it (`{"`), as a failed write leaves it. */
const isLineStart = (text: string): boolean => text.startsWith(LINE_START) || LINE_START.startsWith(text);

function parse(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return undefined; }
}

function nextIsResume(text: string | undefined): boolean {
  const next = text === undefined ? undefined : parse(text);
  return (next as { type?: unknown } | undefined)?.type === 'resumed';
}
