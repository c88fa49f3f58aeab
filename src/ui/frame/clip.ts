// A run of lines given fewer rows than it has: the first ones, then a row that counts what is left out and
// says which key shows it all. Never silent: a clipped run always ends with that count.
import { seg, type Row } from './row.js';

/** At most r rows of `lines`; clipped, the last row is the count. The least a clipped run takes is 2 rows. */
export function clipped(lines: Row[], r: number, more: (hidden: number) => string): Row[] {
  if (r >= lines.length) return lines;
  if (r <= 0) return [];
  if (r === 1) return [[seg(more(lines.length), { tone: 'dim' })]];
  return [...lines.slice(0, r - 1), [seg(more(lines.length - (r - 1)), { tone: 'dim' })]];
}

/** Shares `extra` rows between runs, tier by tier: each tier raises every run to at most its cap, in order. */
export function share(sizes: number[], base: number[], extra: number, tiers: number[][]): number[] {
  const got = [...base];
  let left = extra;
  for (const caps of tiers) {
    for (const [i, cap] of caps.entries()) {
      const target = Math.min(sizes[i]!, cap);
      const give = Math.min(left, Math.max(0, target - got[i]!));
      got[i]! += give;
      left -= give;
    }
  }
  return got;
}
