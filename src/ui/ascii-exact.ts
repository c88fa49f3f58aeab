// Command text as an ASCII screen (LANG=C, LC_ALL=C: term-caps.ts) draws it, decided at layout. The UTF-8 gate
// names what is not printable ASCII with marks that are never ASCII (‹U+00A0›×3, ⇥, a trailing space as ·); drawn
// in ASCII those became one-column stand-ins that a command may hold itself (a probe of stop 81: `rm -rf dir/  `
// drew as `rm -rf dir/..`, a tab as `>`, ×3 as `x3`, a row cut at a space as `.`). Here every character that is not
// the command's own printable ASCII is one escape, `<U+0009>`, a run of one character `<U+00A0x3>` (its count
// inside the brackets): a tab, a trailing space, a long run of spaces, anything outside printable ASCII, and the
// command's own `<` before `U+`. So every `<U+` on an ASCII screen opens an escape that ends at the next `>`, and
// the rest is the command's own text: two commands never draw the same text, and its width is its length.

/** A run of more than this many spaces is drawn counted; shorter runs (alignment) are kept. As visible-text.ts. */
const SPACE_RUN = 8;

const hex = (c: string): string => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/** One escape: a character, n times. */
export const asciiEscape = (c: string, n = 1): string => `<U+${hex(c)}${n > 1 ? `x${n}` : ''}>`;

/** One line of command text (no line break) in printable ASCII only, every other character an escape. */
export function asciiExactLine(line: string): string {
  return line
    .replace(/([^\x20-\x7e])\1*|<(?=U\+)/gu, (run, c: string | undefined) => asciiEscape(c ?? run, [...run].length))
    .replace(/ +$/, (run) => asciiEscape(' ', run.length))
    .replace(/ +/g, (run, at: number) => ((at === 0 ? run.length > 2 * SPACE_RUN : run.length > SPACE_RUN) ? asciiEscape(' ', run.length) : run));
}

/** The text an ASCII screen drew read back to the command: each escape the characters it names. The inverse of
 *  asciiExactLine, for tests and for anyone reading a screenshot. */
export const asciiReadBack = (text: string): string =>
  text.replace(/<U\+([0-9A-F]{4,6})(?:x(\d+))?>/g, (_, h: string, n?: string) => String.fromCodePoint(parseInt(h, 16)).repeat(Number(n ?? 1)));

/** Where a row of ASCII command text may be cut before `at`: never inside an escape, and never right after a
 *  space (a row's trailing spaces are lost in the box's padding; the space starts the next row instead, after
 *  its two-column mark). 0 when there is no such place. */
export function asciiCut(text: string, at: number): number {
  let cut = at;
  const open = text.lastIndexOf('<U+', cut - 1);
  if (open >= 0 && text.indexOf('>', open) >= cut) cut = open;
  while (cut > 0 && text[cut - 1] === ' ') cut--;
  return cut;
}
