// Twins for a for_each gate's item rows: labels that differ only by one space more or less, placed at random
// (seed 81) so that some fall where a row is cut. A row cut at a space dropped it unmarked, and a row's trailing
// space was lost in the padding: `…q  bbbb` and `…q bbbb` drew the same rows (a probe of stop 81).
import { rng } from '../helpers/rng.js';

export function itemTwins(seed: number, n: number, min: number, max: number): [string, string][] {
  const rand = rng(seed);
  const word = (len: number) => Array.from({ length: len }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rand() * 26)]!).join('');
  return Array.from({ length: n }, () => {
    const head = word(min + Math.floor(rand() * (max - min + 1)));
    const tail = word(2 + Math.floor(rand() * 8));
    const one = rand() < 0.5 ? ' ' : '  ';
    return [`${head}${one}${tail}`, `${head}${one} ${tail}`];
  });
}
