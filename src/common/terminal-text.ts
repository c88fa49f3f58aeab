// The one sanitizer for data shown to a person (terminal UI, plain mode, report, replay). Command output,
// SQL cells, titles templated from inputs and error messages are data: a control character in them must
// not act on the terminal (move the cursor, repaint the gate, set the clipboard with OSC 52, hide text) nor
// disguise what is shown (bidi overrides, invisible characters). Each one is shown as a visible symbol, so
// the operator sees that something is there. The engine and the transcript keep the raw values.
//
//   ESC and the other C0 controls  → control pictures: ␛ ␇ ␈ ␍ … (so "\x1b]52;c;…\x07" shows as "␛]52;c;…␇")
//   DEL                            → ␡
//   C1 controls (U+0080–U+009F, incl. 8-bit CSI U+009B and OSC U+009D), format characters (Unicode Cf:
//   bidi overrides and isolates, zero-width space, soft hyphen, BOM, tag characters …), U+2028/U+2029
//                                  → <U+202E>
//   SGR (ESC [ … m: colour, bold)  → dropped: it only styles text, and dropping it reveals text it hid
//
// Kept: tab and newline (a "\r\n" counts as a newline); the zero-width joiner and non-joiner, which
// emoji and several scripts need to render at all.

import { eastAsianWidthType } from 'get-east-asian-width';
import stringWidth from 'string-width';
import { codePointsWidth, graphemes } from './display-width.js';
import { setOwn } from './own.js';

const SGR = /\u001b\[[0-9;:]*m/g;
const CRLF = /\r\n/g;
// Cc (C0, DEL, C1), Cf (format), Zl and Zp (line and paragraph separators).
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const KEPT = new Set(['\t', '\n', '\u200c', '\u200d']);

function visible(c: string): string {
  if (KEPT.has(c)) return c;
  const code = c.codePointAt(0)!;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

// Anything terminalText would change (tab and newline excluded): most text has none and is returned as is.
const ANY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/u;

/** Text safe to put on a terminal or into a document: no character in it acts or hides; lines kept; every
 *  symbol as wide to the terminal as to the one drawing the frame (agreed, below). */
export function terminalText(text: string): string {
  const safe = ANY.test(text) ? text.replace(SGR, '').replace(CRLF, '\n').replace(UNSAFE, visible) : text;
  return NON_ASCII.test(safe) ? agreed(safe) : safe;
}

const NON_ASCII = /[^\x00-\x7f]/;
// Not assigned, private use, a lone surrogate: each terminal draws its own guess.
const UNKNOWN = /[\p{Cn}\p{Co}\p{Cs}]/u;

/** East Asian ambiguous width above the scripts and symbols of U+0000–U+2FFF (Greek, Cyrillic, box drawing, …,
 *  one column to every reader seen): string-width and the frame count one, glibc's wcwidth, and so tmux, draws
 *  U+3248–U+324F two (a stop-68 probe pushed "will run" off the screen with them). Selectors and other
 *  nonspacing marks of that class draw nothing. */
const wideToSomeTerminals = (segment: string): boolean =>
  [...segment].some((c) => { const code = c.codePointAt(0)!; return code >= 0x3000 && eastAsianWidthType(code) === 'ambiguous' && !NONSPACING.test(c); });
const NONSPACING = /\p{Mn}/u;

/**
 * Each grapheme as is where the readers of its width agree: tmux (and wcwidth) draw each code point, ink lays
 * out with string-width (one symbol per grapheme, emoji sequences and Hangul syllables of jamo two); the frame
 * counts the wider (common/display-width.ts). Where they differ (a run of Hangul fillers U+115F: two columns to
 * ink, ten to tmux; 👍🏽: two and four) or a terminal must guess (unassigned, private use), its code points are
 * written out, <U+115F>, so no value can be drawn wider than the frame counted it: a stop-66 probe pushed the
 * gate's "will run" off the screen with a captured value while y was live, and drew a fake one in its place.
 */
function agreed(text: string): string {
  // Only the span from the first non-ASCII character to the last is segmented, with one character either side (a
  // grapheme takes at most one ASCII character with it: a keycap's digit, the base after a prepended mark): the
  // ASCII around it is kept as it is, so a long ASCII output with one '…' costs nothing.
  let last = text.length - 1;
  while (text.charCodeAt(last) < 0x80) last--;
  const from = Math.max(0, text.search(NON_ASCII) - 1);
  const to = Math.min(text.length, last + 2);
  let out = text.slice(0, from);
  for (const { segment } of graphemes(text.slice(from, to))) {
    if (!NON_ASCII.test(segment)) { out += segment; continue; }
    const same = !UNKNOWN.test(segment) && !wideToSomeTerminals(segment) && stringWidth(segment) === codePointsWidth(segment);
    out += same ? segment : [...segment].map((c) => (KEPT.has(c) ? c : `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`)).join('');
  }
  return out + text.slice(to);
}

/** A copy of a value (an event, a result, a runbook) with terminalText applied to every string in it,
 *  keys included; arrays and plain objects are walked, anything else (numbers, dates, buffers) is kept. */
export function terminalSafe<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return terminalText(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value !== null && typeof value === 'object' && isPlain(value)) {
    const out: Record<string, unknown> = {};
    // Defined, not assigned: a result's column named `__proto__` is a key like any other (assigned, it vanished).
    for (const [k, v] of Object.entries(value)) setOwn(out, terminalText(k), walk(v));
    return out;
  }
  return value;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON for a terminal or a file a person reads: exactly JSON.stringify's value, with the characters JSON
 *  leaves raw (DEL, C1, format characters, U+2028/U+2029) written as \u escapes. Lossless: a parser reads
 *  back the same strings. (JSON.stringify already escapes C0, ESC included.) */
export function terminalJson(value: unknown, indent?: number): string {
  return terminalJsonText(JSON.stringify(value, null, indent));
}

/** JSON text with the characters a terminal would act on or hide written as \u escapes (inside its strings:
 *  outside them JSON has only its own whitespace). Per character, so a document escaped piece by piece reads as
 *  the whole escaped at once. */
export function terminalJsonText(json: string): string {
  return json.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => {
    const code = c.codePointAt(0)!;
    if (code < 0x20) return c; // only JSON's own whitespace can still be here (indentation newlines)
    return code > 0xffff
      ? c.split('').map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
