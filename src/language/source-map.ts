// Where each value of a YAML document stands in its file, by JSON-pointer-like path ("/steps/2/goto").
export interface Position { line: number; col: number }

/** Built on first use: positions are only needed to report a diagnostic, and mapping every node of a large
 *  runbook (~29,000 for 1,000 steps) was a fifth of validating it. */
export class SourceMap {
  // Paths are kept as a trie of node ids: a node is (parent id, one path segment), so recording a node costs
  // the length of its own segment, not of its whole path. Keyed by whole path strings, every node under a
  // 266,000-character key cost a hash (or a digest) of 266,000 characters: 4,000 list items under it spent
  // ~5 s of CPU (fuzz seed -1482954792, issue #20; bug 6 in docs/reliability.md was the same shape).
  private readonly nodes = new Map<string, number>(); // `${parent id}/${segment}` → node id; the root is 0
  private readonly values = new Map<number, number>(); // node id → offset of its value
  private readonly keys = new Map<number, number>();   // node id → offset of the key naming it
  private starts: number[] | undefined;

  /** fill: records every position (setValue/setKey), called once, before the first lookup. */
  constructor(private readonly text: string, private fill?: (map: SourceMap) => void) {}

  static readonly ROOT = 0;

  /** The node for `key` under `parent` (created if new): the path childPath(parentPath, key). */
  child(parent: number, key: string | number): number {
    const k = `${parent}/${segment(key)}`;
    let id = this.nodes.get(k);
    if (id === undefined) { id = this.nodes.size + 1; this.nodes.set(k, id); }
    return id;
  }

  // YAML anchors: which top-level key's value defines each (`&name`), and the names aliases (`*name`) use.
  private readonly anchorsAt = new Map<string, string>();
  private readonly aliased = new Set<string>();

  setAnchor(name: string, topKey: string): void { this.anchorsAt.set(name, topKey); }
  setAlias(name: string): void { this.aliased.add(name); }

  /** Anchors defined in the value of the top-level key `topKey` that some alias uses (it is an anchor holder). */
  usedAnchorsUnder(topKey: string): string[] {
    this.filled();
    return [...this.anchorsAt].filter(([name, key]) => key === topKey && this.aliased.has(name)).map(([name]) => name);
  }

  setValueAt(node: number, offset: number): void { if (!this.values.has(node)) this.values.set(node, offset); }
  setKeyAt(node: number, offset: number): void { if (!this.keys.has(node)) this.keys.set(node, offset); }

  /** Position of the value at path, or of the nearest ancestor that has one. */
  value(path: string): Position { return this.toPosition(this.nearest(path)); }

  /** The source from where the value at path starts to the end of its line. */
  valueLine(path: string): string {
    const start = this.nearest(path);
    const end = this.text.indexOf('\n', start);
    return this.text.slice(start, end < 0 ? undefined : end);
  }

  /** Position of the key naming path (falls back to the value). */
  key(path: string): Position {
    this.filled();
    const ids = this.prefixes(path);
    const node = ids[ids.length - 1];
    const k = node === undefined ? undefined : this.keys.get(node);
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

  /** The ids of path's prefixes, root first; undefined from the first prefix never recorded. Looks up only. */
  private prefixes(path: string): (number | undefined)[] {
    const ids: (number | undefined)[] = [SourceMap.ROOT];
    if (path === '') return ids;
    let id: number | undefined = SourceMap.ROOT;
    for (const seg of path.slice(1).split('/')) {
      id = id === undefined ? undefined : this.nodes.get(`${id}/${seg}`);
      ids.push(id);
    }
    return ids;
  }

  private nearest(path: string): number {
    this.filled();
    const ids = this.prefixes(path);
    for (let i = ids.length - 1; ; i--) {
      const id = ids[i];
      const hit = id === undefined ? undefined : this.values.get(id);
      if (hit !== undefined) return hit;
      // A value that came from a merge key (`<<: *defaults`) is reported where it is merged in, not at the anchor.
      const parent = i > 0 ? ids[i - 1] : undefined;
      const mergeNode = parent === undefined ? undefined : this.nodes.get(`${parent}/<<`);
      const merged = mergeNode === undefined ? undefined : this.keys.get(mergeNode);
      if (merged !== undefined) return merged;
      if (i === 0) return 0;
    }
  }
}

/** One path segment as childPath writes it (JSON pointer escapes for `~` and `/`). */
const segment = (key: string | number): string =>
  typeof key === 'number' ? String(key) : /[~/]/.test(key) ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;

export const childPath = (parent: string, key: string | number): string => `${parent}/${segment(key)}`;
