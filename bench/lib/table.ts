// One row per figure: what this build did, what it was measured against, and whether the target holds.

export interface Row {
  id: string;
  figure: string;
  /** What this build measured, for people ("212 ms"). */
  value: string;
  /** The anchor measured in the same run ("node -e 0: 88 ms"), or '—'. */
  anchor: string;
  /** The compared figure ("1.21×", "+0.42 ms/step", "—"). */
  ratio: string;
  /** The target in words ("≤ 1.3×"). */
  target: string;
  /** null: informational, no target. */
  met: boolean | null;
  /** The number the target is checked against, and the raw samples. */
  metric?: number;
  samples?: Record<string, number[]>;
  note?: string;
}

export const ms = (x: number): string => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;
export const times = (x: number): string => `${x.toFixed(2)}×`;
export const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;

export function metText(met: boolean | null): string {
  return met === null ? '—' : met ? 'yes' : 'NO';
}

const HEAD = ['figure', 'this build', 'anchor', 'ratio', 'target', 'met?'];
const cells = (r: Row): string[] => [r.figure, r.value, r.anchor, r.ratio, r.target, metText(r.met)];

/** Plain text, columns padded, for the terminal. */
export function textTable(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => [...r[i]!].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

/** GitHub markdown, for docs/performance.md. */
export function markdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${HEAD.join(' | ')} |`, `| ${HEAD.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`)].join('\n');
}
