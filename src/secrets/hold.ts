// What a stream must still hold back: the shortest tail of what has arrived that more of the stream could make
// (part of) a masked form of a secret. Everything before it is released at once, so the screen shows output as
// it comes and a line that can be no part of a secret is never held. The tail is held from the earliest of:
//   - a proper prefix of a form, raw (the secret, its URL-, JSON-, shell-quoted, base64 and hex forms, `:pw@`
//     of a short password), and a form of 3 characters at the very end (it is masked only if what follows is
//     no letter or digit);
//   - what follows a `…` while it could still grow into a piece of a form's end (secrets/cuts.ts);
//   - in a wrapped base64 block or a hex dump that the tail belongs to (secrets/wrapped.ts): the digits from
//     where the block's normalised copy ends in a proper prefix of a form (it may go on on the next line), its
//     start while all of it lies inside a form (a block that starts inside a secret: `xxd | tail -2`), and a
//     piece at one of its last two line ends that is masked when the block ends (`base64 | head -1; echo done`);
//     on a line still arriving, a run that could begin such a block inside a secret.
// A dump line still arriving also has its text column to come: the masker keeps any match on it until it is
// whole (`dumpLine`). What is held is bounded: the longest form, or how far a secret spreads over lines.
import { MIN_PIECE, pieceBefore, type CutForms } from './cuts.js';
import type { Range } from './matcher.js';
import type { PrefixIndex } from './prefixes.js';
import { spacedHold } from './spaced.js';
import { base64Block, coveredRanges, dumpBlock, MIN_EDGE, type View } from './wrapped.js';

export interface HoldForms {
  raw: PrefixIndex;
  /** Forms of exactly 3 characters (masked only where they stand alone). */
  triples: ReadonlySet<string>;
  b64: PrefixIndex; b64Cuts: () => CutForms;
  hex: PrefixIndex; hexCuts: () => CutForms;
  /** How far back from the end a held tail may start: the redactor's holdback. */
  reach: number;
}

export interface Hold {
  /** Where the held tail starts (the text's length when nothing is held). */
  at: number;
  /** What of the tail is a piece of a form so far, from where it starts (perhaps before `from`): masked if the
   *  tail is released before more of the stream decides it (the stream went quiet). Pieces shorter than
   *  MIN_PIECE are left, as next to a `…` (cuts.ts): two characters say little. */
  pieces: Range[];
  /** The start of the last line when it is an unfinished dump line: its text column is still to come. */
  dumpLine?: number;
}

/** A held piece: where the tail is held from, and what to mask of it if it is released undecided. */
type Found = (p: number | undefined, piece?: Range[]) => void;

/** How far back from a line a block's start is looked for; a longer line is read from where it is cut. */
const LINE_WINDOW = 4096;
const WORD = /[A-Za-z0-9]/;

/** What of `text` to hold back; nothing before `from` (already released) is held. */
export function holdOf(text: string, from: number, forms: HoldForms): Hold {
  const end = text.length;
  const hold: Hold = { at: end, pieces: [] };
  // A tail that should have been held from before `from` is held from there: what was released is gone.
  const found: Found = (p, piece) => {
    if (p === undefined) return;
    if (p < hold.at) hold.at = Math.max(p, from);
    if (piece) hold.pieces.push(...piece);
  };
  const rawPiece = (p: number | undefined) => found(p, p !== undefined && end - p >= MIN_PIECE ? [[p, end]] : undefined);
  // Looked for from before `from` too: a piece released masked when the stream went quiet goes on being one.
  rawPiece(forms.raw.earliest(text, 0, end));
  if (end - 3 >= from && forms.triples.has(text.slice(end - 3)) && !WORD.test(text[end - 4] ?? '')) found(end - 3);
  rawPiece(afterCut(text, forms.raw));
  const spaced = spacedHold(text, from, forms.reach, forms.raw);
  if (spaced) found(spaced.at, spaced.pieces);
  wrappedHold(text, forms, hold, found);
  return hold;
}

/** Where what follows the last `…` (past an elision marker's `]` and line break) starts, while it could still
 *  become a piece of a form's end. */
function afterCut(text: string, raw: PrefixIndex): number | undefined {
  const i = text.lastIndexOf('…');
  if (i < 0 || i < text.length - raw.longest - 3) return undefined;
  let j = i + 1;
  if (text[j] === ']') j++;
  if (text[j] === '\n') j++;
  return j < text.length && raw.inside(text.slice(j)) ? j : undefined;
}

function wrappedHold(text: string, forms: HoldForms, hold: Hold, found: Found): void {
  if (forms.b64.longest === 0 && forms.hex.longest === 0) return;
  const end = text.length;
  const lastLine = text.lastIndexOf('\n', end - 1) + 1;
  if (end - lastLine > LINE_WINDOW) return; // a line this long is no block's line
  // A held tail starts no further back than a secret spreads (a block spaced out without end is none of these).
  const bound: Found = (p, piece) => { if (p !== undefined && end - p <= forms.reach + LINE_WINDOW) found(p, piece); };
  if (lastLine < end) arriving(text, lastLine, forms, bound);
  const may = mayHold(text, lastLine, forms);
  if (may.dumpLine) hold.dumpLine = lastLine;
  if (!may.b64 && !may.hex) return;
  const prevLine = lastLine > 0 ? text.lastIndexOf('\n', lastLine - 2) + 1 : 0;
  const back = Math.max(0, prevLine - forms.reach);
  const nl = text.lastIndexOf('\n', back - 1);
  const region = back === 0 ? 0 : nl + 1 >= back - LINE_WINDOW ? nl + 1 : back;
  if (may.b64) {
    const v = tailView(text, region, lastLine, base64Block);
    if (v) viewHold(text, v, forms.b64, forms.b64Cuts(), false, bound);
  }
  if (may.hex) {
    // A dump line still arriving may not read as one yet (od's first groups, before the fourth): read alone, as
    // the continuation of a dump, it shows what it may become.
    const v = tailView(text, region, lastLine, dumpBlock) ?? (lastLine < end ? dumpBlock(text, lastLine, true) : undefined);
    if (v) viewHold(text, v, forms.hex, forms.hexCuts(), true, bound);
  }
}

/** Most tails hold nothing, and reading the block they belong to costs more than the rest: a block holds some of
 *  a form at its end only if one of its last lines does — the line still arriving, or one of the last two whole
 *  lines (a piece at the line before last's end) — read alone: a form's start runs to its end, or all of it
 *  lies inside a form. `dumpLine`: the line still arriving reads as a dump line (its text column is to come). */
function mayHold(text: string, lastLine: number, forms: HoldForms): { b64: boolean; hex: boolean; dumpLine: boolean } {
  const end = text.length;
  const may = { b64: false, hex: false, dumpLine: false };
  const starts = lastLine < end ? [lastLine] : [];
  for (let s = lastLine; starts.length < (lastLine < end ? 3 : 2) && s > 0;) { s = text.lastIndexOf('\n', s - 2) + 1; starts.push(s); }
  for (const s of starts) {
    const lineEnd = s === lastLine ? end : text.indexOf('\n', s);
    if (!may.b64 && forms.b64.longest > 0) {
      let e = lineEnd;
      while (e > s && /[\s=]/.test(text[e - 1]!)) e--;
      let b = e;
      while (b > s && B64_CHAR.test(text[b - 1]!)) b--;
      const run = text.slice(b, e);
      may.b64 = run.length > 0 && (forms.b64.earliest(run, 0, run.length) !== undefined || forms.b64.inside(run));
    }
    if (!may.hex && forms.hex.longest > 0) {
      const v = dumpBlock(text, s, true, 1);
      if (v && s === lastLine && s < end) may.dumpLine = true;
      // On a line still arriving, its copy may end after any group so far (see viewHold).
      const ends = v ? (s === lastLine && s < end ? v.pieces.map((p) => p.at + p.length) : [v.norm.length]) : [];
      const even = (k: number) => k % 2 === 0;
      may.hex = ends.some((e) => forms.hex.earliest(v!.norm, 0, e, even) !== undefined || forms.hex.inside(v!.norm.slice(0, e)));
    }
  }
  return may;
}

/** A run still arriving at the end of a line may begin a block that starts inside a secret (`xxd | tail -2`,
 *  `base64 | tail -1`), before it reads as one: the trailing base64 run, and the hex group still arriving on a
 *  line that so far reads as the start of a dump line, are held while they stand inside a form. */
function arriving(text: string, lastLine: number, forms: HoldForms, found: Found): void {
  const end = text.length;
  const piece = (p: number) => (end - p >= MIN_PIECE ? [[p, end] as Range] : undefined);
  let i = end;
  while (i > lastLine && B64_CHAR.test(text[i - 1]!)) i--;
  if (i < end && forms.b64.inside(text.slice(i))) found(i, piece(i));
  let h = end;
  while (h > lastLine && HEX_CHAR.test(text[h - 1]!)) h--;
  if (h < end && DUMP_START.test(text.slice(lastLine, h)) && forms.hex.inside(text.slice(h).toLowerCase())) found(h, piece(h));
}
const B64_CHAR = /[A-Za-z0-9+/_-]/;
const HEX_CHAR = /[0-9a-fA-F]/;
const DUMP_START = /^[ \t]*(?:[0-9a-fA-F]+:?[ \t]+)*$/;

/** The block the tail belongs to: the first, reading down from `region`, that reaches the last line (ends
 *  there, so the line after it may still end it, or takes it in). */
function tailView<V extends View>(text: string, region: number, lastLine: number, block: (text: string, start: number) => V | undefined): V | undefined {
  for (let line = region; line <= lastLine;) {
    const v = block(text, line);
    if (v && v.end >= lastLine) return v;
    const nl = text.indexOf('\n', line);
    if (nl < 0) return undefined;
    line = Math.max(nl + 1, v?.end ?? 0);
  }
  return undefined;
}

/** The holds a tail block gives (see the file's comment): `even` for a dump, whose bytes start at even digits. */
function viewHold(text: string, v: View, forms: PrefixIndex, cuts: CutForms, even: boolean, found: Found): void {
  const end = text.length;
  const ok = (k: number) => !even || k % 2 === 0;
  // Held from the copy's k; the piece [k, e) of a form, masked as the block would mask it, if released undecided.
  const held = (k: number, e: number) => found(textAt(v, k), e - k >= MIN_PIECE ? coveredRanges(text, v, k, e) : undefined);
  // A line still arriving may yet be read as the block's next line: the block is open until it is whole.
  const partial = !text.endsWith('\n');
  const open = even || partial || !closedBase64(text, v);
  // Where the block's copy may end: its end, and on a dump line still arriving, the end of each group so far (a
  // text column that looks like hex may yet be read as groups until its line is whole).
  const ends = [v.norm.length];
  if (partial && even && v.end === end) {
    const lineAt = v.lineEnds.length > 1 ? v.lineEnds[v.lineEnds.length - 2]! : 0;
    for (const p of v.pieces) if (p.at >= lineAt && p.at + p.length < v.norm.length) ends.push(p.at + p.length);
    ends.push(lineAt);
  }
  if (open) {
    for (const e of ends) {
      const k = forms.earliest(v.norm, 0, e, ok);
      if (k !== undefined) held(k, e);
      if (forms.inside(v.norm.slice(0, e))) held(0, e);
    }
  }
  for (const e of v.lineEnds.slice(-2)) {
    const k = pieceBefore(v.norm, e, cuts, MIN_EDGE);
    if (k !== undefined && ok(k)) held(k, e);
  }
}

/** A base64 block that cannot go on: its last line is short or padded (the wrapping's last line). */
function closedBase64(text: string, v: View): boolean {
  const last = v.pieces[v.pieces.length - 1];
  if (!last) return true;
  const after = last.from + last.length;
  return last.length < 16 || text[after - 1] === '=' || text[after] === '=';
}

/** The text position of the normalised copy's character `k`. */
function textAt(v: View, k: number): number {
  for (let i = v.pieces.length - 1; i >= 0; i--) {
    const p = v.pieces[i]!;
    if (p.at <= k) return p.from + Math.min(k - p.at, p.length);
  }
  return v.pieces[0]?.from ?? v.end;
}
