// A secret printed one character at a time with the same separator between each two: spaced out
// (`sed 's/./& /g'`), one per line (`fold -w1`), one per table cell (`| s | e |`, a column of one-character rows
// with its rules). A run of single characters separated by one repeated separator is read as the characters
// alone, the registered forms are looked for in that, and what they cover is masked in the text (characters and
// separators between them). A character that is whitespace or a table rule (`|`, `│`) cannot be one of the run's
// characters; ordinary text rarely has three single characters in a row with the same separator.
//
// Punctuation such as `:`, `+`, `-`, `=`, `,` can be a separator and a secret's character both, so one text can
// be read as a run in several ways: `a + : a` is `a`, `+`, `:`, `a` spaced by ` `, or `a` and `:` spaced by
// ` + `; cut after the `:` while streaming, it is also `+` and `:` spaced by ` `. Every reading is looked at
// (one regular expression finds one reading at each place, and a wrong one hid the right one): every character
// with every separator that follows it. What keeps that cheap is the forms themselves: a reading is followed only
// while its characters stand next to each other in some form (secrets/grams.ts).
import type { Grams } from './grams.js';
import type { LiteralMatcher, Range } from './matcher.js';
import type { PrefixIndex } from './prefixes.js';

/** A separator is at most this long (a table row's padding, rule line and the next row's border). */
const MAX_SEP = 32;
/** How far back a run still arriving is looked for at least (a 64-character secret with a 32-character separator). */
const SCAN = 64 * (MAX_SEP + 1);
/** A run is four characters at least. */
const MIN_RUN = 4;

/** A run read as its characters: `chars`, and where each of them stands in the text. */
interface Run { chars: string; at: number[]; from: number[] }

/** Pushes onto `out` the text ranges of every form found in a spaced-out run. */
export function spacedRanges(text: string, forms: LiteralMatcher, accept: (chars: string) => (a: number, b: number) => boolean, out: Range[]): void {
  if (forms.size === 0) return;
  const same = { end: 0, pairs: true, fits: true };
  // Where a reading of three characters or more starts (the expression tries every separator there; V8 finds
  // these faster than a loop over every character), each looked at with every separator, and so is every
  // character after it in a stretch of one character (`=====`: the expression would match at each).
  THREE.lastIndex = 0;
  for (let m = THREE.exec(text); m; m = THREE.exec(text)) {
    let j = m.index;
    do j = readingsAt(text, j, same, forms, accept, out); while (j < same.end - 4);
    THREE.lastIndex = j;
  }
}

/** The forms found in every reading from the character at `j` (with each separator that follows it); returns
 *  where to look next. `same`: the stretch of one repeated character `j` stands in (where it ends, and whether
 *  two and three of it stand in a row in some form). */
function readingsAt(text: string, j: number, same: { end: number; pairs: boolean; fits: boolean }, forms: LiteralMatcher, accept: (chars: string) => (a: number, b: number) => boolean, out: Range[]): number {
  const grams = forms.grams();
  const n = text.length;
  const c = text.charCodeAt(j);
  const tl = isHigh(c) && isLow(text.charCodeAt(j + 1)) ? 2 : 1;
  if (!grams.first(c) || !(CLASS[c]! & IS_TOKEN)) return j + tl;
  // In a stretch of one character every separator whose reading's first three characters lie in it reads the
  // same three: looked at once per stretch, and most of a long stretch not at all.
  if (j >= same.end) {
    let e = j + 1;
    while (text.charCodeAt(e) === c) e++;
    same.end = e;
    same.pairs = e - j < 2 || !isSep(c) || grams.pair(c, c);
    same.fits = same.pairs && (e - j < 3 || grams.triple(c, c, c));
  }
  const left = tl === 1 ? same.end - j : 0;
  // Its second character past the stretch when two of it stand in a row in no form, its third when three do not.
  const reach = same.pairs ? LONG_SAME : MAX_SEP + 1;
  if (!same.fits && left > reach) return same.end - reach;
  const s = j + tl;
  let len = left >= 3 && !same.pairs ? left - 1 : left >= 5 && !same.fits ? Math.floor((left - 3) / 2) + 1 : 1;
  // Every separator that follows the character: each length that is separator characters only. The reading's
  // first three characters must stand in a row in some form.
  for (; len <= MAX_SEP && s + len < n && isSep(text.charCodeAt(s + len - 1)); len++) {
    const at = s + len;
    const u1 = text.charCodeAt(tl === 2 ? j + 1 : at);
    if (tl === 1 && !(CLASS[u1]! & IS_TOKEN)) continue; // whitespace or a rule: no reading's character
    if (!grams.pair(c, u1)) {
      if (tl === 2) break;
      // Nor does it through the rest of the next character's stretch (a rule line: `+-----+`).
      let k = at + 1;
      while (k < s + MAX_SEP && text.charCodeAt(k) === u1) k++;
      len = k - s - 1;
      continue;
    }
    const tl1 = tokenLength(text, at);
    if (tl1 === 0) continue;
    const u2 = text.charCodeAt(tl === 2 ? at : tl1 === 2 ? at + 1 : at + 1 + len);
    if (!grams.triple(c, u1, u2)) continue;
    const run = readForward(text, j, s, len, grams, forms.longest);
    if (!run || count(text, s, len, run) < MIN_RUN) continue;
    const found: Range[] = [];
    forms.find(run.chars, found, accept(run.chars));
    const first = run.at[run.from.indexOf(j)]!;
    // A form that starts at another character of the run is found from there.
    for (const [a, b] of found) if (a === first) out.push([textAt(run, a), textAt(run, b - 1) + 1]);
  }
  return j + tl;
}

/** Where the text's tail must be held from: the first character of a spaced run still arriving whose characters
 *  so far end in the start of a form (two characters of it at least); `pieces`: what to mask of it if it is
 *  released undecided. Every reading of the tail as such a run is looked at, and the earliest hold wins. */
export function spacedHold(text: string, from: number, reach: number, prefixes: PrefixIndex): { at: number; pieces: Range[] } | undefined {
  if (prefixes.longest === 0) return undefined;
  const grams = prefixes.grams();
  const end = text.length;
  const floor = Math.max(0, end - Math.max(reach, SCAN));
  let hold: { at: number; pieces: Range[] } | undefined;
  // What follows the run's last character is part of its separator (or all of it): separator characters only.
  let trail = 0;
  while (trail < MAX_SEP && end - trail > floor && isSep(text.charCodeAt(end - trail - 1))) trail++;
  for (let e = 0; e <= trail; e++) {
    const last = tokenBefore(text, end - e, floor);
    if (last === undefined) continue;
    for (let len = Math.max(e, 1); len <= MAX_SEP && last - len > floor && isSep(text.charCodeAt(last - len)); len++) {
      if (!sameAs(text, last - len, end - e, e)) continue; // what follows is the start of the separator
      const run = readBack(text, last, len, floor, grams, prefixes.longest);
      if (!run) continue;
      const n = run.chars.length;
      const p = prefixes.earliest(run.chars, 0, n, (k) => k <= n - 2);
      if (p === undefined) continue;
      const start = textAt(run, p);
      hold ??= { at: end, pieces: [] };
      hold.at = Math.min(hold.at, Math.max(start, from));
      if (n - p >= 3) hold.pieces.push([start, end]);
    }
  }
  return hold;
}

/** The run from the character at `j` (its separator: `len` characters from `s`), read on while its characters
 *  stand next to each other in some form and for no more than `longest` characters, with one character before
 *  and after it in the run for context (a form of three characters must stand alone). */
function readForward(text: string, j: number, s: number, len: number, grams: Grams, longest: number): Run | undefined {
  const starts: number[] = [];
  const before = sepBefore(text, j, s, len);
  if (before !== undefined) starts.push(before);
  let units = '';
  for (let at = j; ;) {
    const tl = tokenLength(text, at);
    if (tl === 0) break;
    const next = units + text.slice(at, at + tl);
    starts.push(at);
    if (!fits(next, units.length, grams) || next.length > longest) break; // this one is context
    units = next;
    at += tl;
    if (!sameAs(text, s, at, len)) break;
    at += len;
  }
  if (units.length < 3) return undefined;
  return runOf(text, starts);
}

/** The run that ends with the character at `last` (its separator: the `len` characters before it), read back
 *  while its characters stand next to each other in some form, to no further back than `floor` and for no more
 *  than `longest` characters; undefined when fewer than two characters are found (one character before a
 *  separator is the end of any line). */
function readBack(text: string, last: number, len: number, floor: number, grams: Grams, longest: number): Run | undefined {
  const starts = [last];
  let units = text.slice(last, last + tokenLength(text, last));
  for (let at = last; units.length < longest && (at === last || sameAs(text, last - len, at - len, len));) {
    const prev = tokenBefore(text, at - len, floor);
    if (prev === undefined) break;
    const add = text.slice(prev, at - len);
    if (!fits(add + units, -add.length, grams)) break;
    units = add + units;
    starts.push(prev);
    at = prev;
  }
  return starts.length < 2 ? undefined : runOf(text, starts.sort((a, b) => a - b));
}

/** Whether every three characters in a row of `units` that take in a character from `changed` on (the new ones:
 *  appended after `changed`, or prepended before -`changed`) stand in a row in some form. */
function fits(units: string, changed: number, grams: Grams): boolean {
  const [lo, hi] = changed >= 0 ? [changed - 2, units.length - 3] : [0, -changed - 1];
  for (let i = Math.max(0, lo); i <= Math.min(hi, units.length - 3); i++) {
    if (!grams.triple(units.charCodeAt(i), units.charCodeAt(i + 1), units.charCodeAt(i + 2))) return false;
  }
  return true;
}

/** How many characters the run has (up to MIN_RUN): the ones read, and more before and after. */
function count(text: string, s: number, len: number, run: Run): number {
  let n = run.from.length;
  for (let at = run.from[0]!; n < MIN_RUN;) {
    const prev = sepBefore(text, at, s, len);
    if (prev === undefined) break;
    n++; at = prev;
  }
  for (let at = run.from[run.from.length - 1]!; n < MIN_RUN;) {
    const after = at + tokenLength(text, at);
    if (!sameAs(text, s, after, len) || tokenLength(text, after + len) === 0) break;
    n++; at = after + len;
  }
  return n;
}

/** The character before the one at `at` in its run: the same separator (`len` characters from `s`) stands
 *  between them. */
function sepBefore(text: string, at: number, s: number, len: number): number | undefined {
  if (at - len < 1 || !sameAs(text, s, at - len, len)) return undefined;
  return tokenBefore(text, at - len, 0);
}

function runOf(text: string, starts: number[]): Run {
  const run: Run = { chars: '', at: [], from: [] };
  for (const s of starts) {
    run.at.push(run.chars.length);
    run.from.push(s);
    run.chars += text.slice(s, s + tokenLength(text, s));
  }
  return run;
}

/** The text position of the run's character at `k` (an offset in `chars`). */
function textAt(run: Run, k: number): number {
  let lo = 0, hi = run.at.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (run.at[mid]! <= k) lo = mid; else hi = mid - 1; }
  return run.from[lo]! + (k - run.at[lo]!);
}

/** Whether text[b, b + len) is text[a, a + len). */
function sameAs(text: string, a: number, b: number, len: number): boolean {
  if (b + len > text.length) return false;
  for (let i = 0; i < len; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

// Character classes, one table lookup per code unit: a run's character is anything but whitespace and table
// rules; a separator is whitespace, table rules and the punctuation tables and lists are drawn with. As regular
// expressions (the table is checked against them in test/secrets/spaced-readings.test.ts):
export const TOKEN_CLASS = '[^\\s|│┃┆┊║]';
export const SEP_CLASS = '[\\s|│┃┆┊║,;:+=\\-─━┼╋├┤┬┴┌┐└┘═]';
const IS_TOKEN = 1, IS_SEP = 2;
/** What `\s` matches, and the rules. */
const BLANK = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff|│┃┆┊║';
const PUNCT = ',;:+=-─━┼╋├┤┬┴┌┐└┘═';
const CLASS = new Uint8Array(0x10000).fill(IS_TOKEN);
for (const ch of BLANK) CLASS[ch.charCodeAt(0)] = IS_SEP;
for (const ch of PUNCT) CLASS[ch.charCodeAt(0)] = IS_TOKEN | IS_SEP;

/** Whether the code unit `c` can be a run's character (`token`) and a separator's (`sep`). */
export const classOf = (c: number): { token: boolean; sep: boolean } => ({ token: (CLASS[c]! & IS_TOKEN) !== 0, sep: (CLASS[c]! & IS_SEP) !== 0 });
/** Three characters with the same separator twice: where a reading that may hold a form starts. */
const THREE = new RegExp(`${TOKEN_CLASS}(${SEP_CLASS}{1,${MAX_SEP}}?)${TOKEN_CLASS}\\1${TOKEN_CLASS}`, 'gu');
/** From this far before its end, a stretch of one character has no reading whose first three characters are not
 *  all of it (the longest separator, twice, and two characters). */
const LONG_SAME = 2 * MAX_SEP + 2;
const isSep = (c: number): boolean => (CLASS[c]! & IS_SEP) !== 0;
const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** The length of the run character at `i` (a surrogate pair is one), 0 when what stands there is none. */
function tokenLength(text: string, i: number): number {
  if (i >= text.length) return 0;
  const c = text.charCodeAt(i);
  if (isHigh(c) && isLow(text.charCodeAt(i + 1))) return 2;
  return CLASS[c]! & IS_TOKEN ? 1 : 0;
}

/** Where the run character that ends at `i` starts, if one does and starts no further back than `floor`. */
function tokenBefore(text: string, i: number, floor: number): number | undefined {
  if (i <= floor) return undefined;
  const c = text.charCodeAt(i - 1);
  if (isLow(c) && i - 2 >= floor && isHigh(text.charCodeAt(i - 2))) return i - 2;
  return CLASS[c]! & IS_TOKEN ? i - 1 : undefined;
}
