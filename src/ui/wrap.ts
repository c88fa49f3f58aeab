// Text wrapped to a width in terminal columns, as the frame lays it out: word by word, a word longer than the
// width cut into pieces, explicit newlines kept. The frame counts its rows from this, so a wrapped paragraph
// takes exactly the rows it was given (ink's own wrapping is never relied on).
import { displayWidth, takeWidth } from '../common/display-width.js';

export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  // A tab is drawn as ⇥ (row.ts): measured as one here, so the row takes the width it was given.
  for (const paragraph of text.replace(/\r\n/g, '\n').replace(/\t/g, '⇥').split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      if (word === '') continue;
      const candidate = line ? `${line} ${word}` : word;
      if (displayWidth(candidate) <= w) { line = candidate; continue; }
      if (line) out.push(line);
      line = word;
      while (displayWidth(line) > w) {
        const head = takeWidth(line, w);
        out.push(head);
        line = line.slice(head.length);
      }
    }
    out.push(line);
  }
  return out;
}

/** Cut into rows of `width` columns wherever the width ends (a path, which has no spaces to wrap at). */
export function hardWrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (displayWidth(rest) > width) {
    const head = takeWidth(rest, Math.max(1, width));
    out.push(head);
    rest = rest.slice(head.length);
  }
  return [...out, rest];
}
