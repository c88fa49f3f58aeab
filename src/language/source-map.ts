// Where each value of a YAML document stands in its file, by JSON-pointer-like path ("/steps/2/goto").
export interface Position { line: number; col: number }

export class SourceMap {
  private readonly values = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  setValue(path: string, offset: number): void { if (!this.values.has(path)) this.values.set(path, offset); }
  setKey(path: string, offset: number): void { if (!this.keys.has(path)) this.keys.set(path, offset); }

  /** Position of the value at path, or of the nearest ancestor that has one. */
  value(path: string): Position { return this.toPosition(this.nearest(this.values, path)); }

  /** Position of the key naming path (falls back to the value). */
  key(path: string): Position {
    const k = this.keys.get(path);
    return k === undefined ? this.value(path) : this.toPosition(k);
  }

  toPosition(offset: number): Position {
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  private nearest(map: Map<string, number>, path: string): number {
    for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const hit = map.get(p);
      if (hit !== undefined) return hit;
      if (p === '') return 0;
    }
  }
}

export const childPath = (parent: string, key: string | number): string =>
  `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
