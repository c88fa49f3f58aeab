// "did you mean" for authors: the closest known name within a small edit distance.
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    if (Math.abs(word.length - c.length) >= bestDist) continue; // the distance is at least the length difference
    // Case folded first: `Done` for `done` and `Check-DB` for `check-db` are the same name typed differently.
    const d = word.toLowerCase() === c.toLowerCase() ? 0 : distance(word, c);
    if (d < bestDist) { best = c; bestDist = d; }
  }
  return best;
}

export const didYouMean = (word: string, candidates: Iterable<string>): string => {
  const c = closest(word, candidates);
  return c ? ` — did you mean '${c}'?` : '';
};

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}
