// Counts in words for every surface (ink, plain, report, engine messages): "1 row", "2 rows", "0 rows".

/** `n` and the noun, plural unless n is exactly 1. `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
