// What a statement's result keeps in memory: the first rows up to a row count and a byte size (as JSON),
// the rest counted and dropped as they stream in. The same bound holds for what expressions and captures
// see, what the transcript records and what a resumed run rebuilds, so the three never disagree, and a
// `RETURNING` of gigabytes neither fills memory nor makes the step's record impossible to write.
import { jsonSafe } from './json-safe.js';
import type { QueryResult } from './session.js';

/** More rows than this are counted but not kept. */
export const MAX_ROWS = 10_000;
/** Rows past this many bytes (their JSON) are counted but not kept. */
export const MAX_ROW_BYTES = 1024 * 1024;

export class RowBudget {
  private readonly kept: Record<string, unknown>[] = [];
  private seen = 0;
  private keptBytes = 0;
  private omittedBytes = 0;
  private full = false;

  constructor(private readonly maxRows = MAX_ROWS, private readonly maxBytes = MAX_ROW_BYTES) {}

  /** Takes one row from the driver: kept whole while both limits allow, else counted. The first row
   *  that does not fit closes the budget, so what is kept is always a prefix of the result. */
  add(raw: unknown): void {
    this.seen++;
    const row = jsonSafe(raw) as Record<string, unknown>;
    const bytes = Buffer.byteLength(JSON.stringify(row));
    if (!this.full && this.kept.length < this.maxRows && this.keptBytes + bytes <= this.maxBytes) {
      this.kept.push(row);
      this.keptBytes += bytes;
      return;
    }
    this.full = true;
    this.omittedBytes += bytes;
  }

  get rowsSeen(): number { return this.seen; }

  /** SELECT-like statements count the rows they returned; others report affected rows. */
  result(columns: string[], affected: number, command?: string | null): QueryResult {
    const rowCount = this.seen > 0 || command === 'SELECT' ? this.seen : affected;
    const omitted = this.seen - this.kept.length;
    return { rows: this.kept, rowCount, columns, ...(omitted > 0 ? { rowsOmitted: omitted, bytesOmitted: this.omittedBytes } : {}) };
  }
}

/** Rows already in memory (tests, small results), through the same budget as streamed ones. */
export function toQueryResult(rows: unknown[], columns: string[], affected: number, command?: string | null): QueryResult {
  const budget = new RowBudget();
  for (const row of rows) budget.add(row);
  return budget.result(columns, affected, command);
}
