// Rows as plain JSON: results go into transcripts, templates and reports, where a BigInt throws,
// a Buffer becomes {type, data} and a Date loses its meaning.
import type { QueryResult } from './session.js';

/** More rows than this are counted but not kept. */
export const MAX_ROWS = 10_000;

export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (Array.isArray(value)) return value.map(jsonSafe);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
}

export function toQueryResult(rows: unknown[], columns: string[], affected: number, command?: string | null): QueryResult {
  const kept = rows.slice(0, MAX_ROWS).map((r) => jsonSafe(r) as Record<string, unknown>);
  // SELECT-like statements count rows; others report affected rows.
  const rowCount = rows.length > 0 || command === 'SELECT' ? rows.length : affected;
  return { rows: kept, rowCount, columns };
}
