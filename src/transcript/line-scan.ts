// A transcript's lines as the readers see them, read from the file in chunks: any size of file, in memory bounded
// by its longest line (one string of the whole file stops at V8's limit, ~512 MiB). Each raw line is classified
// with the one after it in view, because whether an unreadable line is torn depends on what follows it: the last
// line, one a resume ended, or one a failed write cut off that the run went on after (writer.ts starts its next
// line on a line of its own). Blank lines are skipped.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { checkLine } from './check-line.js';
import { collectGarbage } from '../common/v8-flags.js';
import { recoverTornFinish } from './torn-finish.js';

export type Scanned =
  | { kind: 'line'; n: number; value: Record<string, unknown> }
  | { kind: 'torn'; n: number; bytes: number; recovered?: Record<string, unknown> }
  | { kind: 'problem'; text: string };

export interface ScanEnd {
  /** The text ends with a newline (or is empty). */
  endsClean: boolean;
  /** How many raw lines the file has (the last one counted without its newline). */
  count: number;
}

const CHUNK = 256 * 1024; // larger chunks only grow the young heap's churn: 4 MiB peaked at 184 MiB replaying 1 GiB, this at ~125
/** A full collection after each this much read (common/v8-flags.ts collectGarbage: a long file's large-object
 *  strings pile up otherwise; a 1 GiB resume peaked at 187 MiB, at 114 with 32 MiB). 8 MiB: report's passes make
 *  large strings of their own from what they read (each step's output block, its escapes, the written batches),
 *  and at 32 MiB a 1 GiB report peaked at 161 MiB; at 8, 135 MiB and no slower (docs/performance.md). */
const COLLECT_EVERY = 8 * 2 ** 20;
/** Read by every scan in the process since the last collection: report's timeline and outputs passes read the file
 *  side by side, and a count per scan let each leave its own 32 MiB of garbage (two windows at once). */
let readSinceCollect = 0;

/** The raw lines of the file (line numbers from 1), each with the next one; throws what openSync/readSync throw. */
function* rawLines(path: string, chunk: number): Generator<{ text: string; n: number; next: string | undefined }, ScanEnd> {
  const fd = openSync(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(chunk);
    let rest = '';
    let held: string | undefined;
    let n = 0;
    let endsClean = true;
    for (;;) {
      const got = readSync(fd, buffer, 0, chunk, null);
      if ((readSinceCollect += got) >= COLLECT_EVERY) { readSinceCollect = 0; collectGarbage(); }
      const text = got > 0 ? rest + decoder.write(buffer.subarray(0, got)) : rest + decoder.end();
      const parts = text.split('\n');
      rest = got > 0 ? parts.pop()! : '';
      if (got === 0) {
        endsClean = text === '' || text.endsWith('\n');
        if (parts[parts.length - 1] === '') parts.pop(); // the empty string after the last newline
      }
      for (const line of parts) {
        if (held !== undefined) yield { text: held, n: ++n, next: line };
        held = line;
      }
      if (got === 0) break;
    }
    if (held !== undefined) yield { text: held, n: ++n, next: undefined };
    return { endsClean, count: n };
  } finally {
    closeSync(fd);
  }
}

/** Each line classified: usable (checked), torn (a finish cut short still says the step ended: torn-finish.ts),
 *  or a problem (not JSON, or not a valid line). `chunk`: bytes read at a time (a test makes it small). */
export function* scanLines(path: string, chunk = CHUNK): Generator<Scanned, ScanEnd> {
  const lines = rawLines(path, chunk);
  for (;;) {
    const step = lines.next();
    if (step.done) return step.value;
    const { text, n, next } = step.value;
    if (!text.trim()) continue;
    const value = parse(text);
    if (value === undefined) {
      if (next === undefined || nextIsResume(next) || (isLineStart(text) && next.startsWith(LINE_START))) {
        const recovered = recoverTornFinish(text) as unknown as Record<string, unknown> | undefined;
        yield { kind: 'torn', n, bytes: Buffer.byteLength(text), ...(recovered ? { recovered } : {}) };
      } else yield { kind: 'problem', text: `line ${n}: not JSON` };
      continue;
    }
    const why = checkLine(value);
    if (why) yield { kind: 'problem', text: `line ${n}: ${why}` };
    else yield { kind: 'line', n, value: value as Record<string, unknown> };
  }
}

/** How every line the writer writes begins. */
const LINE_START = '{"type":"';

/** A line the writer began: its start, or only the first bytes of it (`{"`), as a failed write leaves it. */
const isLineStart = (text: string): boolean => text.startsWith(LINE_START) || LINE_START.startsWith(text);

function parse(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return undefined; }
}

function nextIsResume(text: string): boolean {
  return (parse(text) as { type?: unknown } | undefined)?.type === 'resumed';
}
