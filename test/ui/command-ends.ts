// Commands whose first and last lines hold what JavaScript's trim() and `\s` take for space and bash reads as a word
// (U+00A0, U+3000, U+2028, U+FEFF, \v, \f, \r, …) and their invisible neighbours, mixed with line breaks, spaces
// and tabs: every screen drew such a script without them (a probe of stop 80). Generated with a fixed seed; what
// a screen must show of each is counted by character (each outside printable ASCII as its escape, a tab as ⇥).
import { rng } from '../helpers/rng.js';
import { commandBody } from '../../src/ui/command-body.js';

// Every character JavaScript's `\s` matches but the line break and the ASCII space, then neighbours it does not.
const SPACE_LIKE = [...'\t\v\f\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff',
  ...Array.from({ length: 11 }, (_, i) => String.fromCodePoint(0x2000 + i))];
const INVISIBLE = [...'\u200b\u180e\u0085\u2060\u3164\u115f'];
export const POOL = [...SPACE_LIKE, ...INVISIBLE];

const run = (rand: () => number, min: number, max: number): string => {
  const n = min + Math.floor(rand() * (max - min + 1));
  let out = '';
  for (let i = 0; i < n; i++) {
    const r = rand();
    out += r < 0.2 ? '\n' : r < 0.3 ? ' ' : POOL[Math.floor(rand() * POOL.length)]!;
  }
  return out;
};

/** count commands `<lead>echo cN<trail>`; each trail holds at least one character of the pool. */
export function commandEnds(seed: number, count: number): string[] {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, g) => {
    const lead = run(rand, 0, 3);
    let trail = run(rand, 1, 4);
    if (![...trail].some((c) => POOL.includes(c))) trail += POOL[g % POOL.length];
    return `${lead}echo c${g}${trail}`;
  });
}

/** How many of each character outside printable ASCII (line breaks aside) a screen must draw of the command. */
export function mustShow(command: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of commandBody(command)) if (c !== '\n' && !/[\x20-\x7e]/.test(c)) out.set(c, (out.get(c) ?? 0) + 1);
  return out;
}

/** The characters drawn text names: ‹U+00A0›×3 as three U+00A0, ⇥ and ⇥×5 as tabs. */
export function drawn(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const add = (c: string, n: number) => out.set(c, (out.get(c) ?? 0) + n);
  for (const m of text.matchAll(/‹U\+([0-9A-F]{4,6})›(?:×(\d+))?|⇥(?:×(\d+))?/g)) {
    if (m[1]) add(String.fromCodePoint(parseInt(m[1], 16)), Number(m[2] ?? 1));
    else add('\t', Number(m[3] ?? 1));
  }
  return out;
}

export const named = (m: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...m].sort(([a], [b]) => a.codePointAt(0)! - b.codePointAt(0)!).map(([c, n]) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, n]));
