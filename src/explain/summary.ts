// Findings grouped by what they are (class, side, stack, what was recognised), counted, with the first and last
// time seen: "312 × pool checkout timeout 03:12–03:19". Bounded: the groups, never the lines.
import type { Finding } from './finding.js';

export interface Group {
  key: string;
  count: number;
  first?: string;
  last?: string;
  /** The first finding of the group: its excerpt, facts and line. */
  example: Finding;
}

const MAX_GROUPS = 500;

export class Summary {
  private readonly groups = new Map<string, Group>();
  /** Findings past MAX_GROUPS distinct kinds: counted, not kept. */
  overflow = 0;
  records = 0;

  /** Counts a finding; returns its group when the finding opened it (a new kind of error). */
  add(f: Finding): Group | undefined {
    const key = `${f.class}\0${f.side}\0${f.stack ?? ''}\0${f.why}`;
    const seen = this.groups.get(key);
    if (seen) {
      seen.count++;
      if (f.ts) { seen.first ??= f.ts; seen.last = f.ts; }
      return undefined;
    }
    if (this.groups.size >= MAX_GROUPS) { this.overflow++; return undefined; }
    const group: Group = { key, count: 1, example: f, ...(f.ts ? { first: f.ts, last: f.ts } : {}) };
    this.groups.set(key, group);
    return group;
  }

  /** Most frequent first; ties by first appearance. */
  list(): Group[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count || a.example.line - b.example.line);
  }
}
