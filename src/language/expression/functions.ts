// The only functions an expression may call. Pure, total, no access to anything outside their arguments.
type Fn = (...args: unknown[]) => unknown;

const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A value read as a number: numbers, true/false (1/0) and text that reads as one (surrounding blanks ignored).
 *  Blank text, null, missing values, lists and mappings are not numbers (NaN): JavaScript's Number('') is 0,
 *  and an empty shell output must not pass for a count of 0. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return v.trim() === '' ? NaN : Number(v);
  return NaN;
}

const TABLE: Record<string, Fn> = {
  length: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  lower: (v) => str(v).toLowerCase(),
  upper: (v) => str(v).toUpperCase(),
  trim: (v) => str(v).trim(),
  number: (v) => toNumber(v),
  string: (v) => str(v),
  startsWith: (s, p) => str(s).startsWith(str(p)),
  endsWith: (s, p) => str(s).endsWith(str(p)),
  min: (...xs) => Math.min(...xs.map(toNumber)),
  max: (...xs) => Math.max(...xs.map(toNumber)),
  round: (v, d) => { const f = 10 ** Number(d ?? 0); return Math.round(toNumber(v) * f) / f; },
  join: (arr, sep) => (Array.isArray(arr) ? arr.map(str).join(sep === undefined ? ', ' : str(sep)) : str(arr)),
  default: (v, d) => (v === undefined || v === null || v === '' ? d : v),
  json: (v) => JSON.stringify(v ?? null),
  // Lists from text, for for_each over shell output or a comma-separated input.
  split: (s, sep) => { const t = str(s); return t === '' ? [] : t.split(sep === undefined ? ',' : str(sep)).map((x) => x.trim()).filter((x) => x !== ''); },
  // Answered by the evaluator from the run's connections (evaluate.ts, ENGINES); listed here so it parses.
  engine: () => null,
  lines: (s) => str(s).split('\n').map((x) => x.trim()).filter((x) => x !== ''),
  // Tables (a step's rows): the first row whose field equals a value, a field's total, the row with the most.
  find: (list, field, value) => rowsOf(list).find((r) => str(r[str(field)]) === str(value)) ?? null,
  sum: (list, field) => rowsOf(list).reduce((t, r) => t + (Number.isFinite(toNumber(r[str(field)])) ? toNumber(r[str(field)]) : 0), 0),
  top: (list, field) => rowsOf(list).reduce<Record<string, unknown> | null>((best, r) =>
    best === null || toNumber(r[str(field)]) > toNumber(best[str(field)]) ? r : best, null),
};

function rowsOf(list: unknown): Record<string, unknown>[] {
  return Array.isArray(list) ? list.filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r)) : [];
}

/** A Map, so that names like 'constructor' or '__proto__' are never found on a prototype. */
export const FUNCTIONS: ReadonlyMap<string, Fn> = new Map(Object.entries(TABLE));
