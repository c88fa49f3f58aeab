// The screen in ASCII, for a terminal whose locale is not UTF-8 (LANG=C, LC_ALL=C: term-caps.ts). Each of the
// frame's own characters has a one-column stand-in, so every row keeps the width the frame measured: boxes
// (+ - |), marks (✓ +, ✗ x, ↷ ~, ■ #, ◆ *, → >, ↪ >, … ., · ., ⇥ >, × x, ‹ < and › > around a named character),
// the spinner (| / - \). Any other character is drawn as '?' once per column it takes (none for a mark that takes
// none): data the terminal could not draw anyway, without moving the border.
import { displayWidth } from '../common/display-width.js';

const MAP: Record<string, string> = {
  '╭': '+', '╮': '+', '╰': '+', '╯': '+', '╔': '+', '╗': '+', '╚': '+', '╝': '+', '┼': '+', '┬': '+', '┴': '+', '├': '+', '┤': '+',
  '─': '-', '═': '-', '│': '|', '║': '|',
  '✓': '+', '✗': 'x', '↷': '~', '■': '#', '◆': '*', '→': '>', '↪': '>', '…': '.', '·': '.', '⇥': '>', '×': 'x', '‹': '<', '›': '>',
  '⏎': '/', '•': '*', '⚠': '!', '↑': '^', '↓': 'v', '–': '-', '—': '-', '⌫': '<',
};
const SPINNER = ['|', '/', '-', '\\'];

export function asciiText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (MAP[ch]) out += MAP[ch];
    else if (cp >= 0x2800 && cp <= 0x28ff) out += SPINNER[cp % SPINNER.length];
    else if (cp >= 0x2400 && cp <= 0x2421) out += '^'; // a control picture: ␛ ␍ …
    else out += '?'.repeat(displayWidth(ch));
  }
  return out;
}
