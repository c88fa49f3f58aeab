// A step's finish is what resume trusts to never run it twice, so its record must always be written.
// Results are bounded where they are made (rows by db/row-budget, output by the executors), so this only
// acts when something slipped through: a record over the line limit, or one that cannot be serialised
// (a BigInt, a cycle). It then keeps what resume and the report need and names what was cut.
import type { StepFinished } from '../engine/events.js';
import type { StepResult } from '../executors/types.js';

/** A step-finished line larger than this is written as a truncated record. */
export const MAX_FINISHED_BYTES = 4 * 1024 * 1024;

const KEPT: readonly (keyof StepResult)[] = ['status', 'durationMs', 'exitCode', 'signal', 'classification', 'rowCount', 'outputBytes'];
/** Text fields kept, cut to this many characters (a cut one is named as cut). */
const TEXT = ['error', 'value', 'stdout', 'stderr'] as const;
const MAX_TEXT = 16 * 1024;

/** The event as it may be written: itself, or a truncated copy, with the reason it was cut. */
export function finishedRecord(event: StepFinished, maxBytes = MAX_FINISHED_BYTES): StepFinished {
  const why = problem(event, maxBytes);
  if (!why) return event;
  return { ...event, result: truncatedResult(event.result, why) };
}

function problem(event: StepFinished, maxBytes: number): string | undefined {
  try {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    return bytes > maxBytes ? `the record was ${bytes} bytes, over the ${maxBytes}-byte limit` : undefined;
  } catch (e) {
    return `it could not be serialised (${String((e as Error)?.message ?? e).slice(0, 200)})`;
  }
}

/** Scalars that are safe to write, short text cut, and the rows counted instead of kept. */
export function truncatedResult(result: StepResult, reason: string): StepResult {
  const out: Record<string, unknown> = {};
  for (const key of KEPT) if (scalar(result[key])) out[key] = result[key];
  const shortened: string[] = [];
  for (const key of TEXT) {
    const text = result[key];
    if (typeof text !== 'string') continue;
    out[key] = cut(text);
    if (text.length > MAX_TEXT) shortened.push(key);
  }
  if (Array.isArray(result.columns) && result.columns.every((c) => typeof c === 'string') && JSON.stringify(result.columns).length <= MAX_TEXT) out.columns = result.columns;
  const cutFields = [...Object.keys(result).filter((k) => !(k in out)), ...shortened];
  const rows = Array.isArray(result.rows) ? result.rows.length : 0;
  if (rows > 0) {
    out.rowsOmitted = rows + (typeof result.rowsOmitted === 'number' ? result.rowsOmitted : 0);
    if (typeof result.bytesOmitted === 'number') out.bytesOmitted = result.bytesOmitted;
  }
  out.truncated = { fields: cutFields.filter((k) => k !== 'rowsOmitted' && k !== 'bytesOmitted'), reason };
  if (typeof out.status !== 'string') out.status = 'failed';
  if (typeof out.durationMs !== 'number') out.durationMs = 0;
  return out as unknown as StepResult;
}

const scalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const cut = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);
