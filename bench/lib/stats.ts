// Small statistics for noisy machines: every figure is a median, and ratios are taken per round
// (subject and anchor measured back to back) before the median, so a burst of load hits both.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation, as a share of the median: how much to trust a figure. */
export function spread(xs: readonly number[]): number {
  const m = median(xs);
  return m === 0 ? 0 : median(xs.map((x) => Math.abs(x - m))) / Math.abs(m);
}

export interface Paired { subject: number[]; anchor: number[]; ratios: number[]; diffs: number[] }

/**
 * Runs anchor and subject alternately `rounds` times (the order flips every round so neither always
 * runs second, in a warmer cache), after `warmup` unrecorded rounds.
 */
export async function paired(
  rounds: number, anchor: () => Promise<number>, subject: () => Promise<number>, warmup = 1,
): Promise<Paired> {
  const out: Paired = { subject: [], anchor: [], ratios: [], diffs: [] };
  for (let i = 0; i < warmup + rounds; i++) {
    let a: number, s: number;
    if (i % 2 === 0) { a = await anchor(); s = await subject(); } else { s = await subject(); a = await anchor(); }
    if (i < warmup) continue;
    out.anchor.push(a);
    out.subject.push(s);
    out.ratios.push(s / a);
    out.diffs.push(s - a);
  }
  return out;
}

export const round = (x: number, digits = 1): number => Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
