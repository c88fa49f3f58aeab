// A secret printed one character at a time with the same separator between each two: spaced out
// (`sed 's/./& /g'`), one per line (`fold -w1`), one per table cell (`| s | e |`, a column of one-character rows
// with its rules). A run of single characters separated by one repeated separator is read as the characters
// alone, the registered forms are looked for in that, and what they cover is masked in the text (characters and
// separators between them). A character that is whitespace or a table rule (`|`, `│`) cannot be one of the run's
// characters; ordinary text rarely has three single characters in a row with the same separator.
import type { LiteralMatcher, Range } from './matcher.js';
import type { PrefixIndex } from './prefixes.js';

const TOKEN = '[^\\s|│┃┆┊║]';
const SEP = '[\\s|│┃┆┊║,;:+=\\-─━┼╋├┤┬┴┌┐└┘═]';
/** A separator is at most this long (a table row's padding, rule line and the next row's border). */
const MAX_SEP = 32;
/** Four characters at least, separated the same way each time. */
const RUN = new RegExp(`(${TOKEN})(${SEP}{1,${MAX_SEP}}?)(?:${TOKEN}\\2){2,}${TOKEN}`, 'gu');
/** A run that reaches the end of the text: characters and separators, perhaps one more character and part of the
 *  separator (checked after). */
const END_RUN = new RegExp(`(${TOKEN})(${SEP}{1,${MAX_SEP}}?)(?:${TOKEN}\\2)*(${TOKEN}${SEP}{0,${MAX_SEP}})?$`, 'u');
/** How far back a run still arriving is looked for at least (a 64-character secret with a 32-character separator). */
const SCAN = 64 * (MAX_SEP + 1);
const NEAR = 4 * (MAX_SEP + 2);

/** A run read as its characters: `chars`, and where each of them stands in the text. */
interface Run { chars: string; at: number[]; from: number[] }

/** Pushes onto `out` the text ranges of every form found in a spaced-out run. */
export function spacedRanges(text: string, forms: LiteralMatcher, accept: (chars: string) => (a: number, b: number) => boolean, out: Range[]): void {
  if (forms.size === 0) return;
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m; m = RUN.exec(text)) {
    const run = readRun(text, m.index, m[0].length, m[2]!.length);
    const found: Range[] = [];
    forms.find(run.chars, found, accept(run.chars));
    for (const [a, b] of found) out.push([textAt(run, a), textAt(run, b - 1) + 1]);
  }
}

/** Where the text's tail must be held from: the first character of a spaced run still arriving whose characters
 *  so far end in the start of a form. `pieces`: what to mask of it if it is released undecided. */
export function spacedHold(text: string, from: number, reach: number, prefixes: PrefixIndex): { at: number; piece?: Range } | undefined {
  if (prefixes.longest === 0) return undefined;
  // The last few characters first: most tails are no run, and a run reaching the end is found there too; only a
  // run that starts further back is read again from further back.
  let start = Math.max(0, text.length - NEAR);
  let m = END_RUN.exec(text.slice(start));
  if (!m) return undefined;
  if (m.index === 0 && start > 0) {
    start = Math.max(0, text.length - Math.max(reach, SCAN));
    m = END_RUN.exec(text.slice(start));
    if (!m) return undefined;
  }
  const sep = m[2]!;
  const last = m[3] ?? '';
  const token = last ? String.fromCodePoint(last.codePointAt(0)!) : '';
  // What follows the last character must be the start of the separator, not another one.
  if (last && !sep.startsWith(last.slice(token.length))) return undefined;
  const run = readRun(text, start + m.index, text.length - last.length + token.length, sep.length, true);
  if (run.at.length < 2) return undefined; // one character before a separator: the end of any line
  // Two characters of the run at least: one character at a line's end is what the raw forms' hold looks at.
  const n = run.chars.length;
  const p = prefixes.earliest(run.chars, 0, n, (k) => k <= n - 2);
  if (p === undefined) return undefined;
  const at = Math.max(textAt(run, p), from);
  return { at, ...(run.chars.length - p >= 3 ? { piece: [textAt(run, p), text.length] as Range } : {}) };
}

/** The characters of the run of `length` text characters from `start` (to the text's end when `open`). */
function readRun(text: string, start: number, length: number, sepLength: number, open = false): Run {
  const run: Run = { chars: '', at: [], from: [] };
  const end = open ? length : start + length;
  for (let i = start; i < end;) {
    const cp = text.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    run.at.push(run.chars.length);
    run.from.push(i);
    run.chars += text.slice(i, i + n);
    i += n + sepLength;
  }
  return run;
}

/** The text position of the run's character at `k` (an offset in `chars`). */
function textAt(run: Run, k: number): number {
  let lo = 0, hi = run.at.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (run.at[mid]! <= k) lo = mid; else hi = mid - 1; }
  return run.from[lo]! + (k - run.at[lo]!);
}
