// How many terminal columns text takes: CJK and most emoji take two, combining marks and joiners none. Tables,
// truncation and padding measure with this, not .length (a column of 应用程序用户 padded by length came out
// twice as wide as its header, and a row "truncated" to 78 characters could fill 150 columns). One grapheme
// (what the terminal draws as one symbol: a base with its marks, a ZWJ emoji sequence, a flag) at a time.
// Terminals disagree on graphemes of several code points: tmux draws each code point that has a width (five
// Hangul fillers U+115F, one grapheme, are ten columns there), a grapheme-aware terminal one symbol. A grapheme
// counts the wider of the two readings: counting more than a terminal draws leaves a row short, counting less
// pushes the frame off the screen (a stop-66 probe scrolled the gate's "will run" away that way). Text shown to
// the operator has such graphemes written out besides (common/terminal-text.ts), so every reader agrees.

import { eastAsianWidth } from 'get-east-asian-width';

// Made on first use: building a segmenter loads ICU's break data, ~8 ms of every start that prints a line
// (the run's plain output, every error), nearly all of which are ASCII and never reach it.
let made: Intl.Segmenter | undefined;

/** Intl.Segmenter's cost grows faster than the text past a few thousand units (ICU here: 50,000 characters took
 *  0.5 s, 100,000 took 108 s, so a step printing 200 KB hung the plain run for minutes). Segmented a window at a
 *  time: every boundary but the window's last is a boundary of the whole text (a break is decided by what comes
 *  before it and the one character after), so each window's last grapheme is read again at the next window's head. */
const WINDOW = 2048;

/** The text's graphemes, in order (each `segment` one symbol as the terminal draws it). */
export function* graphemes(text: string): Generator<{ segment: string }> {
  const segmenter = (made ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));
  let from = 0;
  while (text.length - from > WINDOW) {
    let end = from + WINDOW;
    if (/[\ud800-\udbff]/.test(text[end - 1]!)) end++; // never between a surrogate pair
    const parts = [...segmenter.segment(text.slice(from, end))];
    const last = parts.length > 1 ? parts.pop()! : undefined; // one grapheme the whole window long: taken as it is
    yield* parts;
    from = last ? from + last.index : end;
  }
  yield* segmenter.segment(from ? text.slice(from) : text);
}
// One column per UTF-16 unit, no grapheme segmentation needed: ASCII, Latin-1 and Latin Extended (not the soft
// hyphen), general punctuation (not the spaces, joiners and bidi controls around it), arrows and box drawing — the
// frame's own characters (│ ─ … · ↪ ⇥ ×), which made every row of it take the slow path.
const NARROW = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u257f]*$/;

export function displayWidth(text: string): number {
  if (NARROW.test(text)) return text.length;
  let width = 0;
  for (const { segment } of graphemes(text)) width += graphemeWidth(segment);
  return width;
}

/** At most `max` columns; a cut is marked with '…' (which takes one of them). Never splits a grapheme. */
export function truncateWidth(text: string, max: number): string {
  if (NARROW.test(text)) return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const { segment } of graphemes(text)) {
    const w = graphemeWidth(segment);
    if (width + w > max - 1) break;
    out += segment;
    width += w;
  }
  return max > 0 ? `${out}…` : '';
}

/** The longest prefix at most `width` columns wide (whole graphemes; at least one, so a caller always advances). */
export function takeWidth(text: string, width: number): string {
  if (NARROW.test(text)) return text.slice(0, Math.max(1, width));
  let out = '';
  let used = 0;
  for (const { segment } of graphemes(text)) {
    const w = graphemeWidth(segment);
    if (used + w > width && out) break;
    out += segment;
    used += w;
  }
  return out;
}

/** Padded with spaces on the right to `width` columns. */
export function padWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function graphemeWidth(g: string): number {
  return Math.max(symbolWidth(g), codePointsWidth(g));
}

/** The grapheme drawn as one symbol. */
function symbolWidth(g: string): number {
  const cp = g.codePointAt(0)!;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (/^[\p{Mn}\p{Me}\p{Cf}]+$/u.test(g)) return 0; // a mark or joiner on its own
  if (/\p{Regional_Indicator}/u.test(g)) return 2; // a flag
  // Emoji: drawn wide when they present as emoji by default, or are asked to (U+FE0F), or are joined.
  if (/^\p{Extended_Pictographic}/u.test(g) && (/^\p{Emoji_Presentation}/u.test(g) || g.includes('\ufe0f') || g.includes('\u200d'))) return 2;
  return isWide(cp) ? 2 : 1;
}

/** Each code point drawn on its own, as tmux and wcwidth() do: marks, format characters and controls none, East
 *  Asian Wide and Fullwidth (get-east-asian-width: Unicode's current table) two, the rest one. */
export function codePointsWidth(g: string): number {
  let width = 0;
  for (const c of g) {
    if (ZERO.test(c)) continue;
    width += eastAsianWidth(c.codePointAt(0)!);
  }
  return width;
}
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;

function isWide(cp: number): boolean {
  return cp >= 0x1100 && eastAsianWidth(cp) === 2;
}
