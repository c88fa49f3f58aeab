// Text from a transcript placed into Markdown so that it cannot change the document around it: a step's
// output containing ``` or | or <script> shows as text, never as structure.
import { terminalText } from '../../common/terminal-text.js';
import { plural } from '../../common/plural.js';

/** Inline text: Markdown, HTML and math ($) punctuation escaped, so it renders exactly as written, and kept on
 *  one line (⏎ for a line break): a newline would let the next line start a heading, list or fence. */
export function inline(text: string): string {
  return terminalText(text)
    .replace(/[\\`*_[\]|~$]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;')
    .replace(/\s*\n\s*/g, ' ⏎ ');
}

/** A table cell: inline, on one line, at most `max` characters. */
export function cell(text: string | undefined, max = 160): string {
  if (!text) return '';
  return inline(oneLine(text, max));
}

/** A code span inside a table cell: GFM splits cells on | even inside code spans, unless escaped. */
export function codeCell(text: string | undefined, max = 160): string {
  return text ? code(oneLine(text, max)).replace(/\|/g, '\\|') : '';
}

function oneLine(text: string, max: number): string {
  const flat = terminalText(text).trim().replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A code span that holds any text: delimited by more backticks than the text contains in a row. */
export function code(text: string): string {
  const flat = terminalText(text).replace(/\n/g, ' ');
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced block that no line of the text can close early. */
export function fenced(text: string, info = ''): string {
  const body = terminalText(text).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** At most maxLines lines (head and tail kept), each at most maxLineChars long, maxChars in all. */
export function clip(text: string, maxLines = 40, maxChars = 4000, maxLineChars = 400): string {
  const lines = text.replace(/\n+$/, '').split('\n')
    .map((l) => (l.length > maxLineChars ? `${l.slice(0, maxLineChars)} … (${plural(l.length - maxLineChars, 'more character')})` : l));
  let out = lines;
  if (lines.length > maxLines) {
    const head = Math.ceil(maxLines * 0.7);
    const tail = maxLines - head;
    out = [...lines.slice(0, head), `… ${plural(lines.length - head - tail, 'line')} not shown …`, ...lines.slice(lines.length - tail)];
  }
  const joined = out.join('\n');
  return joined.length > maxChars ? `${joined.slice(0, maxChars)}\n… ${plural(joined.length - maxChars, 'character')} not shown …` : joined;
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) { run = c === ch ? run + 1 : 0; best = Math.max(best, run); }
  return best;
}
