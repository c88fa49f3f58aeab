// What the gate shows of a command, a value or a paragraph: every character that runs, none hidden by layout.
// A tab is `⇥` (raw, it would move the cursor past the box's border), a long run of spaces is `·×300` (a
// command padded with spaces must not push `; rm -rf …` out of sight), other Unicode spaces are named
// (`<U+00A0>`), and lines are wrapped to the width, never cut: `wrapVisible` keeps every character and marks
// where a line of the source was wrapped, so the operator can tell a wrap from a new line.
import { displayWidth, takeWidth } from '../common/display-width.js';
import { terminalText } from '../common/terminal-text.js';
import { asciiCut, asciiExactLine } from './ascii-exact.js';

/** A run of more than this many spaces is shown counted (`·×N`); shorter runs (alignment) are kept. */
const SPACE_RUN = 8;
// eslint-disable-next-line no-irregular-whitespace
const ODD_SPACE = /[\u00a0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]+/g;

/** One line (no newline) made visible: controls as terminalText shows them, tabs, runs of spaces, odd spaces. */
export function visibleLine(line: string): string {
  return spaced(terminalText(line))
    .replace(ODD_SPACE, (run) => {
      const name = `<U+${run.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
      return run.length > 1 && new Set(run).size === 1 ? `${name}×${run.length}` : [...run].map((c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`).join('');
    });
}

/** What the gate draws of command text (the command, env, directory, target, a for_each's items): every character
 *  outside printable ASCII is named, whatever its category or width (`‹U+200D›`, a run of one as `‹U+200B›×3`):
 *  joiners, fillers, combining marks, variation selectors, wide and ambiguous-width letters, lookalikes of the
 *  engine's own marks (↪ … ⇥ · ‹). What is left is one column per character in every terminal, so the width the
 *  frame counts is the width the terminal draws, and no text of the command can pass for a mark: the marks and the
 *  escapes' own brackets are never ASCII. Decided: ASCII only, not "letters of unambiguous width" beyond it —
 *  Latin-1's é and most Greek and Cyrillic letters are East Asian Ambiguous, Hangul jamo and Arabic letters are
 *  drawn zero-wide or reordered by some terminals; a rule the reader can state in one line beats a table.
 *  The command's own `<` before `U+` is named too (`‹U+003C›U+00A0>`): a terminal whose locale is not UTF-8 draws
 *  the escape's ‹ › as < > (ascii-text.ts), where `cat config<U+00A0>victim` written in ASCII (bash: a redirection
 *  that empties victim) and `cat config` U+00A0 `victim` (a read) drew the same row (a probe of stop 80). So every
 *  `<U+` on a screen, UTF-8 or ASCII, opens an escape. */
export function exactLine(line: string, ascii = false): string {
  // An ASCII screen (LANG=C) draws the marks as ASCII a command may hold: escapes instead (ascii-exact.ts).
  if (ascii) return asciiExactLine(line);
  return trailing(spaced(line.replace(/([^\x20-\x7e\t])\1*|<(?=U\+)/gu, (run, c: string | undefined) => {
    const n = [...run].length;
    return `‹U+${(c ?? run).codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}›${n > 1 ? `×${n}` : ''}`;
  })));
}

/** Spaces that end a line drawn as ·: `echo keep \` and `echo keep \ ` (the space makes the next line a
 *  command of its own) looked the same. */
const trailing = (line: string): string => line.replace(/ +$/, (run) => (run.length > SPACE_RUN ? ` ·×${run.length}` : '·'.repeat(run.length)));

/** Command text with newlines, each line drawn exactly (exactLine). */
export const exactText = (text: string, ascii = false): string => text.split('\n').map((l) => exactLine(l, ascii)).join('\n');

/** Tabs and long runs of spaces made visible (the gate's ⇥ and ·×N). */
function spaced(line: string): string {
  return line
    .replace(/\t+/g, (t) => (t.length > 3 ? `⇥×${t.length}` : '⇥'.repeat(t.length)))
    .replace(/ +/g, (run, at: number) => ((at === 0 ? run.length > 2 * SPACE_RUN : run.length > SPACE_RUN) ? ` ·×${run.length} ` : run));
}

/** Visible text wrapped to `width` columns: each source line gives one or more rows; `cont` marks a row that
 *  continues the line above (the gate draws it with a `↪`). A line breaks at its last space that fits, else
 *  wherever the width ends; the space a line breaks at is drawn as · in command text (`exact`), and not drawn in
 *  prose. */
export function wrapVisible(text: string, width: number, marked = true, exact: boolean | 'drawn' = false, lines = true, ascii = false): { text: string; cont: boolean }[] {
  const out: { text: string; cont: boolean }[] = [];
  // Command text keeps a CR before a newline, named: bash reads `\<CR><LF>` as an escaped CR and then the end of
  // the command, where a CRLF drawn as a line break showed a continuation (a probe of stop 70).
  // lines false: one value (an env: value, a directory), whose line breaks are characters, drawn named, never rows.
  for (const source of lines ? (exact ? text : text.replace(/\r\n/g, '\n')).split('\n') : [text]) {
    // 'drawn': command text already drawn exactly (a for_each's items, numbered): wrapped as command text is.
    let rest = exact === 'drawn' ? source : exact ? exactLine(source, ascii) : visibleLine(source);
    let cont = false;
    for (;;) {
      const w = Math.max(1, cont && marked ? width - 2 : width);
      if (displayWidth(rest) <= w) { out.push({ text: rest, cont }); break; }
      if (exact && ascii) {
        // ASCII command text keeps every character where it is: no · for the space a row is cut at (a `.` the
        // command may hold), a space that would end a row starts the next one (ascii-exact.ts asciiCut).
        const cut = asciiCut(rest, w) || w;
        out.push({ text: rest.slice(0, cut), cont });
        rest = rest.slice(cut);
        cont = true;
        continue;
      }
      const head = takeWidth(rest, w);
      const space = head.lastIndexOf(' ');
      // A cut never splits an escape (‹U+200D›) when the row can start it instead.
      const open = head.lastIndexOf('‹');
      const mid = open > 0 && head.indexOf('›', open) < 0 ? open : head.length;
      const atSpace = space > head.length / 3;
      const cut = atSpace ? space : mid;
      // Command text keeps the space it breaks at, drawn as ·: a row cut at a space and one cut before an escape
      // (nothing dropped) were drawn alike, for two commands that differ by that space.
      out.push({ text: rest.slice(0, cut) + (atSpace && exact ? '·' : ''), cont });
      rest = rest.slice(cut + (atSpace ? 1 : 0));
      cont = true;
    }
  }
  return out;
}

/** Prose (why, affects, a question): tabs and odd spaces visible, wrapped at spaces, no continuation marks. */
export function wrapParagraph(text: string, width: number): string[] {
  return wrapVisible(text, width, false).map((r) => r.text);
}
