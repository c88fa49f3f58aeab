// Where each value of a YAML document stands in its file, by JSON-pointer-like path ("/steps/2/goto").
import { createHash } from 'node:crypto';
export interface Position { line: number; col: number }

/** Built on first use: positions are only needed to report a diagnostic, and mapping every node of a large
 *  runbook (~29,000 for 1,000 steps) was a fifth of validating it. */
export class SourceMap {
  private readonly values = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private starts: number[] | undefined;

  /** fill: records every position (setValue/setKey), called once, before the first lookup. */
  constructor(private readonly text: string, private fill?: (map: SourceMap) => void) {}

  setValue(path: string, offset: number): void { const k = slot(path); if (!this.values.has(k)) this.values.set(k, offset); }
  setKey(path: string, offset: number): void { const k = slot(path); if (!this.keys.has(k)) this.keys.set(k, offset); }

  /** Position of the value at path, or of the nearest ancestor that has one. */
  value(path: string): Position { return this.toPosition(this.nearest(this.values, path)); }

  /** The source from where the value at path starts to the end of its line. */
  valueLine(path: string): string {
    const start = this.nearest(this.values, path);
    const end = this.text.indexOf('\n', start);
    return this.text.slice(start, end < 0 ? undefined : end);
  }

  /** Position of the key naming path (falls back to the value). */
  key(path: string): Position {
    this.filled();
    const k = this.keys.get(slot(path));
    return k === undefined ? this.value(path) : this.toPosition(k);
  }

  toPosition(offset: number): Position {
    const starts = this.lineStarts();
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] ?? 0) + 1 };
  }

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    this.starts = [0];
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    return this.starts;
  }

  private filled(): void {
    const fill = this.fill;
    this.fill = undefined;
    fill?.(this);
  }

  private nearest(map: Map<string, number>, path: string): number {
    this.filled();
    for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const hit = map.get(slot(p));
      if (hit !== undefined) return hit;
      // A value that came from a merge key (`<<: *defaults`) is reported where it is merged in, not at the anchor.
      const merged = p === '' ? undefined : this.keys.get(slot(`${p.slice(0, p.lastIndexOf('/'))}/<<`));
      if (merged !== undefined) return merged;
      if (p === '') return 0;
    }
  }
}

/** V8 hashes a string over 16 KiB by its length alone: the paths under a huge key (all about as long) would
 *  collide in a Map and make every lookup a full comparison, quadratic in the document. Long paths are keyed
 *  by a digest instead. */
const slot = (path: string): string => (path.length > 1024 ? `#${createHash('sha1').update(path).digest('base64')}` : path);

export const childPath = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}/${key}` : `${parent}/${/[~/]/.test(key) ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key}`;
