// The hostile twins of sql-pg-twins.test.ts (issue #45), shared with the EXPLAIN oracle: for every function name on
// PG_READ_ONLY, every type name a cast may use and every operator name, a same-named object in the application's
// schema (public) that the server counts when it runs (track_functions = all), and the texts that name each one.
import { PG_READ_ONLY } from '../../src/language/sql/read-only-functions.js';
import { PG_BUILTIN_TYPES, PG_READ_ONLY_OPERATORS } from '../../src/language/sql/pg-builtins.js';
import pg from 'pg';
import type { LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';

/** The SQL spellings a quoted name reaches the server as written (they were on the type list before). */
export const TYPE_NAMES = [...PG_BUILTIN_TYPES, 'integer', 'bigint', 'smallint', 'boolean', 'real', 'decimal'];
export const OPERATORS = [...PG_READ_ONLY_OPERATORS, '!'].filter((o) => !/^[A-Z ]+$/.test(o) && o !== '!=');
/** SQL/JSON syntax of PostgreSQL 16–18 that 15 reads as function calls. */
export const JSON_SYNTAX = [`SELECT JSON_OBJECT('a': 1) AS x`, `SELECT JSON_ARRAY(1, 2) AS x`, `SELECT JSON_VALUE('{"a":1}', '$.a') AS x`,
  `SELECT JSON_QUERY('{"a":1}', '$.a') AS x`, `SELECT JSON_EXISTS('{"a":1}', '$.a') AS x`, `SELECT JSON_SCALAR(1) AS x`,
  `SELECT JSON_SERIALIZE('{}') AS x`, `SELECT JSON('{}') AS x`, `SELECT JSON_ARRAYAGG(1) AS x`, `SELECT JSON_OBJECTAGG('a': 1) AS x`,
  `SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a int PATH '$')) AS t`];
export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The twins: plpgsql (counted by track_functions; an SQL function would be inlined and not counted). */
export async function plantTwins(server: LabServer): Promise<number> {
  await adminQuery(server, "ALTER SYSTEM SET track_functions = 'all'");
  await adminQuery(server, 'SELECT pg_reload_conf()');
  await adminQuery(server, 'CREATE FUNCTION public.twin_mark(int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN $1; END $$');
  let planted = 0;
  // One admin session for the ~400 statements (a login each cost a backend's start and a SCRAM exchange: ~10 s
  // of the file's time per server); each statement still its own transaction, so one the server refuses is
  // refused alone.
  const client = new pg.Client({ connectionString: server.adminUrl(), connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    const plant = async (sql: string) => { try { await client.query(sql); planted++; } catch { /* a name the server will not take */ } };
    for (const f of PG_READ_ONLY) await plant(`CREATE FUNCTION public.${quote(f)}(int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN $1; END $$`);
    for (const t of TYPE_NAMES) await plant(`CREATE DOMAIN public.${quote(t)} AS int CHECK (public.twin_mark(VALUE) > -1)`);
    for (const o of OPERATORS) await plant(`CREATE OPERATOR public.${o} (RIGHTARG = int, FUNCTION = public.twin_mark)`);
  } finally {
    await client.end();
  }
  await adminQuery(server, 'GRANT USAGE ON SCHEMA public TO PUBLIC; GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC');
  return planted;
}

/** Calls of public's functions the server counted (after the sessions that made them ended). */
export async function twinCalls(server: LabServer): Promise<number> {
  const rows = await adminQuery(server, "SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_user_functions WHERE schemaname = 'public'");
  return Number(rows[0]?.n ?? 0);
}

export function texts(): string[] {
  return [
    ...[...PG_READ_ONLY].flatMap((f) => [`SELECT ${quote(f)}(1) AS x`, `SELECT ${f}(1) AS x`]),
    ...TYPE_NAMES.flatMap((t) => [`SELECT 5::${quote(t)} AS x`, `SELECT CAST(5 AS ${quote(t)}) AS x`, `SELECT 5::${t} AS x`]),
    ...OPERATORS.map((o) => `SELECT ${o} 5 AS x`),
  ];
}

