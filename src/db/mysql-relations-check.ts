// What a MySQL/MariaDB read names, as the server resolves it: a view runs its definition, and a stored function
// it calls may take a named lock (GET_LOCK), sleep or set session state inside the read-only transaction, which
// stops writes only; a table of an engine that is not a plain store (CONNECT, FEDERATED, SPIDER …) reaches another
// server or file. An allowlist, as on PostgreSQL (pg-pin-sql.ts): a read may name base tables of the reviewed
// engines, and the server's own schemas; anything else is not known to be read-only (safe_because may vouch for
// it). Unqualified names are resolved in the session's database, as the statement will be.
import type { MysqlRelation } from '../language/sql/mysql-relations.js';
import { PinRefusal } from './pin-refusal.js';

/** The server's own schemas: their tables and views are the server's code, not an author's. */
const SYSTEM = ['information_schema', 'performance_schema', 'mysql', 'sys'];
/**
 * A name qualified with one of the server's own schemas, written exactly as the server names it (unqualified:
 * the session's database decides). Database names are case-sensitive where lower_case_table_names is 0 (Linux):
 * `SYS` and `Mysql` are an author's databases, and their views ran unchecked when this compared in any case.
 * Another spelling is asked about, and the server's answer is judged by the schema it names (relationsQuery).
 */
export const isSystemSchema = (schema: string | undefined): boolean => schema !== undefined && SYSTEM.includes(schema);

/** Storage engines that only store rows here. */
const PLAIN = new Set(['innodb', 'aria', 'myisam', 'memory', 'sequence', 'csv', 'archive', 'mrg_myisam', 'blackhole']);

/**
 * The query and its values: which of the named relations are views or tables of another engine. One SELECT per
 * schema (unqualified names: the session's database), each with the schema by equality, which the server's
 * information_schema uses to look in that schema only (a read may name many words: each is a possible name).
 * information_schema compares names in any case: a row is the server's own only when the schema it stands in is
 * named exactly as the server's (BINARY), so `SYS` matches the real sys where names fold, and is judged otherwise.
 */
export function relationsQuery(relations: MysqlRelation[]): { sql: string; values: (string | null)[] } {
  const bySchema = new Map<string | undefined, string[]>();
  for (const [schema, name] of relations) bySchema.set(schema, [...(bySchema.get(schema) ?? []), name]);
  const parts: string[] = [];
  const values: (string | null)[] = [];
  for (const [schema, names] of bySchema) {
    parts.push(`SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_TYPE AS t, ENGINE AS e FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ${schema === undefined ? 'DATABASE()' : '?'} AND BINARY TABLE_SCHEMA NOT IN (${SYSTEM.map(() => '?').join(', ')})
      AND TABLE_NAME IN (${names.map(() => '?').join(', ')})`);
    values.push(...(schema === undefined ? [] : [schema]), ...SYSTEM, ...names);
  }
  return { sql: parts.join('\nUNION ALL\n'), values };
}

/** Throws PinRefusal for a view or a table of an engine not reviewed, unless the step vouches for it. */
export function checkRelations(rows: { s?: unknown; n?: unknown; t?: unknown; e?: unknown }[], vouched: boolean): void {
  if (vouched) return;
  for (const r of rows) {
    const what = `${String(r.s)}.${String(r.n)}`;
    if (String(r.t).toUpperCase() !== 'BASE TABLE') {
      throw new PinRefusal(`it reads ${what}, a view: the server runs its definition, and a stored function there may act (a lock, a sleep), so it is not known to be read-only: not run as a read`);
    }
    if (!PLAIN.has(String(r.e).toLowerCase())) {
      throw new PinRefusal(`it reads ${what}, a table of the ${String(r.e)} engine, which may reach another server or file: not known to be read-only: not run as a read`);
    }
  }
}
