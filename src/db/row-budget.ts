// What a statement's result keeps in memory: the first rows up to a row count and a byte size (as JSON),
// the rest counted and dropped as they stream in. The same bound holds for what expressions and captures
// see, what the transcript records and what a resumed run rebuilds, so the three never disagree, and a
// `RETURNING` of gigabytes neither fills memory nor makes the step's record impossible to write.
//
// add() runs inside the driver's row event, where a throw is uncaught (it would crash the engine mid-statement,
// before the step is recorded): it never throws. Once the budget is full no row is serialised again; the rest
// are counted and their size estimated from their cells (string lengths), which costs no copy of the row.
import { jsonSafe } from './json-safe.js';
import type { QueryResult } from './session.js';

/** More rows than this are counted but not kept. */
export const MAX_ROWS = 10_000;
/** Rows past this many bytes (their JSON) are counted but not kept. */
export const MAX_ROW_BYTES = 1024 * 1024;

/** A row as kept and its size as JSON; throws when the row cannot be made JSON (a hook for tests). */
export type Serialise = (raw: unknown) => { row: Record<string, unknown>; bytes: number };

export const serialiseRow: Serialise = (raw) => {
  const row = jsonSafe(raw) as Record<string, unknown>;
  return { row, bytes: Buffer.byteLength(JSON.stringify(row)) };
};

export class RowBudget {
  private readonly kept: Record<string, unknown>[] = [];
  private seen = 0;
  private keptBytes = 0;
  private omittedBytes = 0;
  private full = false;

  constructor(private readonly maxRows = MAX_ROWS, private readonly maxBytes = MAX_ROW_BYTES, private readonly serialise: Serialise = serialiseRow) {}

  /** Takes one row from the driver: kept whole while both limits allow, else counted. The first row that does
   *  not fit (or cannot be serialised) closes the budget, so what is kept is always a prefix of the result. */
  add(raw: unknown): void {
    this.seen++;
    if (this.full || this.kept.length >= this.maxRows) { this.close(raw); return; }
    let made: { row: Record<string, unknown>; bytes: number };
    try {
      made = this.serialise(raw);
    } catch {
      this.close(raw); // too large for a string, a cycle, a getter that throws: counted, not kept
      return;
    }
    if (this.keptBytes + made.bytes <= this.maxBytes) {
      this.kept.push(made.row);
      this.keptBytes += made.bytes;
      return;
    }
    this.full = true;
    this.omittedBytes += made.bytes;
  }

  get rowsSeen(): number { return this.seen; }

  /** SELECT-like statements count the rows they returned; others report affected rows. */
  result(columns: string[], affected: number, command?: string | null): QueryResult {
    const rowCount = this.seen > 0 || command === 'SELECT' ? this.seen : affected;
    const omitted = this.seen - this.kept.length;
    return { rows: this.kept, rowCount, columns, ...(omitted > 0 ? { rowsOmitted: omitted, bytesOmitted: this.omittedBytes } : {}) };
  }

  private close(raw: unknown): void {
    this.full = true;
    this.omittedBytes += estimateBytes(raw);
  }
}

/** About the size of a row as JSON, from its cells without serialising it: a string's length (a lower bound
 *  of its UTF-8 bytes), a byte array's hex, a few bytes for anything else; never throws. */
export function estimateBytes(raw: unknown): number {
  if (raw === null || typeof raw !== 'object') return cellBytes(raw);
  let n = 2;
  try {
    for (const key of Object.keys(raw)) n += key.length + 4 + cellBytes((raw as Record<string, unknown>)[key]);
  } catch { /* a getter that throws: what was counted so far */ }
  return n;
}

function cellBytes(v: unknown): number {
  if (typeof v === 'string') return v.length + 2;
  if (v instanceof Uint8Array) return v.byteLength * 2 + 4;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + cellBytes(x) + 1, 2);
  return 8;
}

/** Rows already in memory (tests, small results), through the same budget as streamed ones. */
export function toQueryResult(rows: unknown[], columns: string[], affected: number, command?: string | null): QueryResult {
  const budget = new RowBudget();
  for (const row of rows) budget.add(row);
  return budget.result(columns, affected, command);
}
