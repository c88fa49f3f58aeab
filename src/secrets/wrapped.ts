// Secrets spread over lines: base64 wrapped at a width (`base64` wraps at 76 columns, PEM and openssl at 64) and
// hex dumps (`xxd`, `xxd -p`, `od -tx1`, `hexdump -C`), where offsets, spacing and a text column stand between
// the secret's digits, and the text column shows the secret itself in 16-character pieces. Each block is read
// into a normalised copy (the base64 runs joined; the dump's hex digits joined, lower case) with a map back to the
// text, the secret's base64 and hex forms are found in that copy, and what they cover is masked in the text: the
// digits (one mask per line, the layout kept) and, in a dump, the text column's characters of the same bytes.
// Only text that shows a probe of a secret (a piece any such block of it must show unbroken) is read further;
// blocks are then found by one regular expression (a line that looks like a dump line or a full line of base64).
import type { LiteralMatcher, Range } from './matcher.js';
import { pieceAfter, pieceBefore, type CutForms } from './cuts.js';

/** A normalised copy: `norm` and, for each piece of it, where that piece stands in the text. */
export interface View { norm: string; pieces: Piece[]; end: number; lineEnds: number[] }
interface Piece { at: number; from: number; length: number }   // norm offset, text offset, length
export interface DumpView extends View { ascii: number[] }              // per byte of norm: its text-column position, or -1

const HEX = '0-9a-fA-F';
const B64 = 'A-Za-z0-9+/_\\-';
/** The start of a line that may begin a block: a dump line (offset and groups, or groups alone) or a long run of
 *  base64 alone on its line (xxd -p lines are hex, hence base64 too). */
const BODY = `[ \\t]*(?:[${HEX}]{2,16}:?[ \\t]+[${HEX}]{2,8}[ \\t]+[${HEX}]{2,8}|[${B64}]{16,}={0,2}[ \\t]*\\r?(?:\\n|$))`;
const START = new RegExp(`\\n${BODY}`, 'g');
const START_AT_0 = new RegExp(BODY, 'y');
const B64_LINE = new RegExp(`[ \\t]*([${B64}]+={0,2})[ \\t]*\\r?(?=\\n|$)`, 'y');
const B64_CHAR = new RegExp(`[${B64}]`);
const TOKEN = /[ \t]*([^ \t\r\n]+)/y;
const IS_HEX = /^[0-9a-fA-F]+$/;
const OFFSET = /^[0-9a-fA-F]{6,16}:?$/;
/** A dump line holds at most this many tokens (hexdump -C: offset, 16 bytes, text column). */
const MAX_TOKENS = 80;

/** How far a secret of `bytes` bytes may spread in such a block: a dump line shows 16 bytes in 60–80 characters
 *  (`xxd -c 4` 4 bytes in 26), base64 wraps 57 bytes in 77. What a stream holds back must cover it. */
export const spreadOf = (bytes: number): number => 10 * bytes + 256;

/** The forms looked for: base64 fragments, and hex (lower case); each with its index of pieces (secrets/cuts.ts)
 *  and its probe: what any block holding the form (or a piece of one at its edge) must show unbroken. Text that
 *  shows no probe holds no such block, and costs one scan per probe. */
export interface WrappedForms {
  b64: LiteralMatcher; hex: LiteralMatcher; b64Cuts(): CutForms; hexCuts(): CutForms;
  b64Probe: LiteralMatcher; hexProbe: HexProbe;
}

/** Pieces of a base64 fragment one line break cannot both break: two windows at its start, two at its end, each
 *  up to 8 characters (lines are at least 16 wide). */
export function base64Probes(fragment: string): string[] {
  const w = Math.min(8, Math.floor(fragment.length / 2));
  if (w < 2) return [];
  const n = fragment.length;
  return [fragment.slice(0, w), fragment.slice(w, 2 * w), fragment.slice(n - 2 * w, n - w), fragment.slice(n - w)];
}

/** A secret's bytes in a dump: three bytes in a row, as any dump spaces them (`546f6b`, `546f 6b`, `54 6f 6b`,
 *  hexdump -C's `54  6f`), either case. Two such windows at the secret's start and two at its end: one line
 *  break (a line holds at least 6 bytes) cannot break both of a pair. */
export class HexProbe {
  private readonly sources = new Set<string>();
  private re: RegExp | undefined;
  get size(): number { return this.sources.size; }
  add(hex: string): void {
    const bytes = hex.match(/../g) ?? [];
    const n = bytes.length;
    const starts = n <= 3 ? [0] : [0, Math.min(3, n - 3), Math.max(0, n - 6), n - 3];
    for (const i of new Set(starts)) this.sources.add(bytes.slice(i, i + 3).join(' {0,2}'));
    this.re = undefined;
  }
  test(text: string): boolean {
    if (this.sources.size === 0) return false;
    this.re ??= new RegExp([...this.sources].join('|'), 'i');
    return this.re.test(text);
  }
}

/** A block that ends (or starts) inside a secret (`xxd | head -2`, `base64 | tail -3`) shows a piece of it: a piece
 *  of at least this many digits at either edge of a block is masked too. */
export const MIN_EDGE = 8;

/** Pushes onto `out` the ranges of `text` that hold a secret's base64 or hex form in a wrapped block or a dump.
 *  `final`: nothing follows the text (a stream's last part, or a whole text): a block that ends with it ends there;
 *  otherwise its end may still continue in the next part, and is not taken for a cut. */
export function wrappedRanges(text: string, forms: WrappedForms, out: Range[], spans: Range[], final: boolean): void {
  const { b64, hex } = forms;
  if (text.indexOf('\n') < 0) return;
  const useB64 = b64.size > 0 && endsInBase64Run(text) && forms.b64Probe.test(text);
  const useHex = hex.size > 0 && forms.hexProbe.test(text);
  if (!useB64 && !useHex) return;
  const visit = (start: number): number => {
    const block = useB64 ? base64Block(text, start) : undefined;
    const dump = useHex ? dumpBlock(text, start) : undefined;
    // A block ends where a whole line that is not part of it follows; a line still arriving may yet be.
    const ends = (v: View) => final || text.indexOf('\n', v.end) >= 0;
    if (block) search(text, block, b64, forms.b64Cuts(), ends(block), out, spans);
    if (dump) search(text, dump, hex, forms.hexCuts(), ends(dump), out, spans);
    return Math.max(block?.end ?? 0, dump?.end ?? 0, lineEnd(text, start) + 1);
  };
  let from = 0;
  START_AT_0.lastIndex = 0;
  if (START_AT_0.test(text)) from = visit(0);
  START.lastIndex = Math.max(0, from - 1);
  for (let m = START.exec(text); m; m = START.exec(text)) {
    const next = visit(m.index + 1);
    START.lastIndex = Math.max(next - 1, m.index + 1);
  }
}

/** Whether some line ends in a run of 16 base64 characters, as every line of a block but its last does: a quick
 *  look at each line's end first (ordinary text fails within a few characters), the probes only then. */
function endsInBase64Run(text: string): boolean {
  for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', nl + 1)) {
    let i = (nl < 0 ? text.length : nl) - 1;
    if (text.charCodeAt(i) === 13) i--;
    while (text.charCodeAt(i) === 61) i--; // '='
    // Both ends of the run and its middle first: most lines fail there, without a loop.
    if (i >= 15 && isBase64(text.charCodeAt(i)) && isBase64(text.charCodeAt(i - 15)) && isBase64(text.charCodeAt(i - 8))) {
      let k = 1;
      while (k < 16 && isBase64(text.charCodeAt(i - k))) k++;
      if (k === 16) return true;
    }
    if (nl < 0) return false;
  }
}

function isBase64(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
}

function lineEnd(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? text.length : nl;
}

/** Consecutive lines of base64 from `start`, each full but the last, and the base64 run that ends the line
 *  before (`password: QUJD…` wrapped onto the next lines). */
export function base64Block(text: string, start: number): View | undefined {
  const view: View = { norm: '', pieces: [], end: start, lineEnds: [] };
  const before = start > 0 ? trailingRun(text, start - 1) : undefined;
  if (before) { add(view, text, before[0], before[1]); view.lineEnds.push(view.norm.length); }
  let lines = before ? 1 : 0;
  for (let at = start; at <= text.length;) {
    const end = lineEnd(text, at);
    B64_LINE.lastIndex = at;
    const m = B64_LINE.exec(text);
    if (!m) break;
    const runStart = at + m[0].indexOf(m[1]!);
    add(view, text, runStart, runStart + m[1]!.length);
    view.lineEnds.push(view.norm.length);
    lines++;
    at = end + 1;
    view.end = Math.min(at, text.length);
    if (m[1]!.length < 16 || m[1]!.endsWith('=')) break; // the wrapping's last line
  }
  // One line is a block too when it is long (`base64 | head -1`): a secret's form is found there directly, but a
  // piece of one at its end only here.
  return lines >= 2 || (lines === 1 && view.norm.length >= 16) ? view : undefined;
}

/** The run of base64 characters that ends the line ending at `nl` (a '\n'), if it is long (`token: QUJD…` at
 *  the wrapping's width; a short word that ends a line of text is no part of the block below it). */
function trailingRun(text: string, nl: number): [number, number] | undefined {
  let end = nl;
  while (end > 0 && (text[end - 1] === '\r' || text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  while (end > 0 && text[end - 1] === '=') end--;
  let start = end;
  while (start > 0 && start > end - 4096 && B64_CHAR.test(text[start - 1]!)) start--;
  return end - start >= 16 ? [start, end] : undefined;
}

function add(view: View, text: string, from: number, to: number, lower = false): void {
  const piece = text.slice(from, to);
  view.pieces.push({ at: view.norm.length, from, length: to - from });
  view.norm += lower ? piece.toLowerCase() : piece;
}

/** Consecutive dump lines from `start` (at `most` lines): their data digits joined (lower case), and their text
 *  columns. `continuation`: the first line is read as a dump's next line too (secrets/hold.ts reads a line still
 *  arriving so). */
export function dumpBlock(text: string, start: number, continuation = false, most = Infinity): DumpView | undefined {
  const view: DumpView = { norm: '', pieces: [], ascii: [], end: start, lineEnds: [] };
  let lines = 0;
  for (let at = start; at <= text.length && lines < most;) {
    const end = lineEnd(text, at);
    if (!dumpLine(text, at, end, continuation || lines > 0, view)) break;
    view.lineEnds.push(view.norm.length);
    lines++;
    at = end + 1;
    view.end = Math.min(at, text.length);
  }
  return lines ? view : undefined;
}

/** Reads one line as a dump line into `view`; false (and `view` unchanged) when it is not one. Offsets: a first
 *  token of 6–16 hex digits with a colon (xxd) or followed by groups of another width (od, hexdump -C). Data:
 *  groups of one width (2, 4 or 8 digits; the last may be shorter), or one long run (xxd -p). A line with neither
 *  offset nor 4 groups counts only as the continuation of a dump (od's last, short line). */
function dumpLine(text: string, start: number, end: number, continuation: boolean, view: DumpView): boolean {
  const tokens: [number, string][] = [];
  TOKEN.lastIndex = start;
  for (let m = TOKEN.exec(text); m && tokens.length < MAX_TOKENS; m = TOKEN.exec(text)) {
    tokens.push([TOKEN.lastIndex - m[1]!.length, m[1]!]);
    if (TOKEN.lastIndex >= end) break;
  }
  if (tokens.length === 0) return false;
  const [first, second] = [tokens[0]![1], tokens[1]?.[1]];
  const offset = second !== undefined && OFFSET.test(first) && (first.endsWith(':') || (IS_HEX.test(second) && second.length !== first.length));
  let i = offset ? 1 : 0;
  const width = tokens[i]?.[1].length ?? 0;
  const single = tokens.length === 1 && IS_HEX.test(first) && first.length % 2 === 0 && (first.length >= 16 || continuation);
  const data: [number, string][] = [];
  if (single) data.push(tokens[0]!);
  else if (width >= 2 && width <= 8) {
    for (; i < tokens.length; i++) {
      const [at, t] = tokens[i]!;
      if (!IS_HEX.test(t) || t.length % 2 !== 0 || t.length > width) break;
      data.push([at, t]);
      if (t.length < width) break;
    }
  }
  if (data.length === 0 || !(offset || single || data.length >= 4 || continuation)) return false;
  const bytes = data.reduce((n, [, t]) => n + t.length / 2, 0);
  const ascii = textColumn(text, end, bytes, data[data.length - 1]![0] + data[data.length - 1]![1].length);
  for (const [at, t] of data) add(view, text, at, at + t.length, true);
  for (let b = 0; b < bytes; b++) view.ascii.push(ascii < 0 ? -1 : ascii + b);
  return true;
}

/** Where the text column of a dump line starts: the line's last `bytes` characters after the hex (xxd), or
 *  between the last two '|' (hexdump -C); -1 when the line has none (od). */
function textColumn(text: string, end: number, bytes: number, hexEnd: number): number {
  let e = end;
  if (text[e - 1] === '\r') e--;
  if (text[e - 1] === '|' && text[e - 2 - bytes] === '|' && e - 2 - bytes >= hexEnd) return e - 1 - bytes;
  const start = e - bytes;
  return start > hexEnd && text[start - 1] === ' ' ? start : -1;
}

/** Finds the forms in a view and pushes what they cover in the text: per line, the digits between the first
 *  and last covered one; in a dump, also the covered bytes' text-column characters. A piece of a form at the
 *  view's start, or at its end when the block ends there, counts too. */
function search(text: string, view: View | DumpView, forms: LiteralMatcher, cuts: CutForms, ended: boolean, out: Range[], spans: Range[]): void {
  const found: Range[] = [];
  const dump = 'ascii' in view;
  const even = (n: number) => !dump || n % 2 === 0; // a dump's bytes start at even digits
  forms.find(view.norm, found, (a) => even(a));
  const head = pieceAfter(view.norm, 0, cuts, MIN_EDGE);
  if (head !== undefined && even(head)) found.push([0, head]);
  // Where the block may have been cut: its end, or the end of its line before last (what follows the cut may
  // look like one more line of it: `base64 | head -1; echo done`).
  const ends = ended ? view.lineEnds.slice(-2) : [];
  for (const end of ends) {
    const tail = pieceBefore(view.norm, end, cuts, MIN_EDGE);
    if (tail !== undefined && even(tail)) found.push([tail, end]);
  }
  for (const [a, b] of found) {
    const covered = coveredRanges(text, view, a, b);
    out.push(...covered);
    if (covered.length) spans.push([covered[0]![0], Math.max(...covered.map((r) => r[1]))]);
  }
}

/** What the copy's [a, b) covers in the text, in order: per line, the digits between the first and last covered
 *  one (one range where only spaces part them); in a dump, also the covered bytes' text-column characters. */
export function coveredRanges(text: string, view: View | DumpView, a: number, b: number): Range[] {
  const covered: Range[] = [];
  for (const p of view.pieces) {
    if (p.at + p.length <= a) continue;
    if (p.at >= b) break;
    covered.push([p.from + Math.max(a, p.at) - p.at, p.from + Math.min(b, p.at + p.length) - p.at]);
  }
  if ('ascii' in view) {
    for (let byte = Math.floor(a / 2); byte < b / 2; byte++) { const pos = view.ascii[byte]; if (pos !== undefined && pos >= 0) covered.push([pos, pos + 1]); }
  }
  covered.sort((x, y) => x[0] - y[0]);
  return joinOnLine(text, covered);
}

/** Ranges that only spaces or tabs separate become one: `546f 6b5f 6162` is masked as one `****`. */
function joinOnLine(text: string, ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] >= last[1] && /^[ \t]*$/.test(text.slice(last[1], r[0]))) last[1] = Math.max(last[1], r[1]);
    else if (last && r[0] < last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
