// Twins for the ASCII screen (LANG=C): pairs of distinct commands made of what a one-column stand-in drew alike
// before stop 81 (ascii-text.ts: a trailing space `·` as `.`, a tab `⇥` as `>`, a run's `×3` as `x3`, a long
// run's ` ·×20 ` as ` .x20 `, the space a row is cut at as `.`), placed at random in random command text, some long
// enough to wrap. Generated (test/helpers/rng.ts), never picked by hand: the same twins for the same seed.
import { rng } from '../helpers/rng.js';
import { asciiReadBack } from '../../src/ui/ascii-exact.js';

const WORDS = ['rm', '-rf', 'dir/', 'a', 'x3', '>', '.', '..', 'b', '|', '<U+0020>', 'cat', '<', 'U+00A0>'];
// [what a command holds, the ASCII a command may hold instead that drew alike]; `end`: only at the line's end.
const TWINS: { a: string; b: string; end?: boolean }[] = [
  { a: '  ', b: '..', end: true }, { a: ' ', b: '.', end: true }, { a: '\t', b: '>' }, { a: '\t\t', b: '>>' },
  { a: '\u00a0\u00a0\u00a0', b: '\u00a0x3' }, { a: ' '.repeat(20), b: ' .x20 ' }, { a: ' ', b: '.' },
  { a: '\u200b\u200b', b: '\u200bx2' },
];

/** n pairs of distinct commands, each one line starting `# ` (inert if it ever ran). */
export function asciiTwins(seed: number, n: number): [string, string][] {
  const rand = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return Array.from({ length: n }, () => {
    const words = Array.from({ length: 2 + Math.floor(rand() * (rand() < 0.4 ? 30 : 6)) }, () => pick(WORDS));
    const t = pick(TWINS);
    const at = t.end ? words.length : 1 + Math.floor(rand() * words.length);
    // At the end: right after the last word; elsewhere: a word of its own between two others.
    const make = (s: string) => (t.end ? `# ${words.join(' ')}${s}` : `# ${[...words.slice(0, at), s, ...words.slice(at)].join(' ')}`);
    return [make(t.a), make(t.b)];
  });
}

/** An ASCII gate's command rows read back (value column only, padding dropped): a row marked `  ` starts a line of
 *  the command, `> ` continues the one above; each `<U+…>` is the characters it names. */
export function readRows(rows: string[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    if (r.startsWith('> ') && lines.length) lines[lines.length - 1] += r.slice(2);
    else lines.push(r.slice(2));
  }
  return lines.map(asciiReadBack).join('\n');
}
