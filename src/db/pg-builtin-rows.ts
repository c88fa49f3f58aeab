// PostgreSQL's own catalog rows, compared with a fresh install of the server's major (a probe of stop 68): a
// superuser can point a built-in operator's function (`UPDATE pg_operator SET oprcode = 'pg_terminate_backend
// (int4,int8)'::regprocedure`) or a built-in cast's (`castfunc` to pg_cancel_backend) at another of the server's
// own functions, or edit a built-in's C symbol or SQL body (`prosrc`). Each still names code PostgreSQL made, so
// asking who made it passes; the server runs whatever the row names, in a proven read and in the engine's own
// login query. Rows of a major's own catalogs do not change within the major (their contents are fixed with its
// catalog version, the same in every build and minor release), so a digest of them per major says whether any
// was edited. Only rows below OID 12000: those come from PostgreSQL's source files (genbki), numbered the same in
// every install; initdb's scripts make the rest, whose OIDs depend on the order and number of what it makes.
import { createHash } from 'node:crypto';
import { FRESH_CATALOG_DIGESTS } from './pg-fresh-catalogs.js';

/** Below this OID a row comes from PostgreSQL's source files (FirstUnpinnedObjectId). */
export const FIRST_INITDB_OID = 12000;

/** One catalog question's rows: the key is c0; `columns` are the others, in order. */
export function builtinRowsDigest(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const lines = rows.filter((r) => Number(r.c0) < FIRST_INITDB_OID).map((r) => [r.c0, ...columns.map((c) => r[c])].map((v) => (v === null ? '\\N' : String(v))).join('\t'));
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 32);
}

/** Whether the rows are a fresh install's; undefined when the engine has no digest for this major or question. */
export function freshRows(major: number, question: string, digest: string): boolean | undefined {
  const expected = FRESH_CATALOG_DIGESTS[major]?.[question];
  return expected === undefined ? undefined : expected === digest;
}
