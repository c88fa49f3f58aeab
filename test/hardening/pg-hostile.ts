// A hostile PostgreSQL environment for sql-session-settings-{15,18}-{path,quoting}.test.ts: a schema `evil` whose functions and
// operators terminate every session named 'victim' when called, generated from what the reads call (each
// pg_catalog function the corpus names, shadowed with the same signature, and overloaded with its text
// arguments as `name` and `varchar`, which win over pg_catalog's by exact match wherever the schema stands in
// the path), and the steps that would call them.
import { parsePg } from '../../src/language/sql/pg-parser.js';
import { classifySql } from '../../src/language/sql/index.js';
import { adminQuery } from '../db/helpers.js';
import type { LabServer } from '../../src/lab/index.js';

/** Every function name a text calls (unqualified or pg_catalog), from PostgreSQL's own parse of it. */
export function calledNames(texts: string[]): string[] {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'FuncCall') {
        const parts = ((child as { funcname?: { String?: { sval?: string } }[] }).funcname ?? []).map((n) => n.String?.sval ?? '');
        if (parts.length === 1 || parts[0] === 'pg_catalog') names.add(parts.at(-1)!);
      }
      walk(child);
    }
  };
  for (const p of parsePg(texts)) if (!('error' in p)) walk(p.tree);
  return [...names].sort();
}

/** Terminates the victims; its own body is pinned to pg_catalog so that it works under any path. */
const KILL = `CREATE FUNCTION evil.kill() RETURNS bool LANGUAGE sql SET search_path = pg_catalog AS
  $$ SELECT count(pg_terminate_backend(pid)) >= 0 FROM pg_stat_activity WHERE application_name = 'victim' $$`;

/** Shadows and overloads of `names`, created by the server from its own catalog (plain functions, no pseudo types). */
const shadowsSql = (names: string[], schema = 'evil', overloads = true): string => `DO $do$ DECLARE r record; a text; BEGIN
  FOR r IN SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS ret
    FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f' AND NOT p.proretset
      AND p.proname = ANY (string_to_array('${names.join(',')}', ','))
      AND NOT EXISTS (SELECT FROM unnest(p.proargtypes::oid[] || p.prorettype) t JOIN pg_type y ON y.oid = t WHERE y.typtype = 'p')
  LOOP
    FOREACH a IN ARRAY ARRAY[r.args${overloads ? ", regexp_replace(r.args, '\\mtext\\M', 'name', 'g'), regexp_replace(r.args, '\\mtext\\M', 'character varying', 'g')" : ''}] LOOP
      BEGIN
        EXECUTE format('CREATE FUNCTION ${schema}.%I(%s) RETURNS %s LANGUAGE plpgsql AS %L', r.proname, a, r.ret, 'BEGIN PERFORM evil.kill(); RETURN NULL; END');
      EXCEPTION WHEN OTHERS THEN NULL; -- the same signature twice
      END;
    END LOOP;
  END LOOP;
END $do$`;

/** Operators over varchar (pg_catalog has none: its text operators need a cast, so these win by exact match). */
export const OPERATORS = ['=', '<>', '<', '>', '<=', '>=', '~~', '||'];
const operatorsSql = (): string[] => [
  `CREATE FUNCTION evil.kill2(varchar, varchar) RETURNS bool LANGUAGE plpgsql AS 'BEGIN PERFORM evil.kill(); RETURN NULL; END'`,
  ...OPERATORS.map((op) => `CREATE OPERATOR evil.${op} (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = evil.kill2)`),
];

/** Creates the hostile schema; returns the steps that call its code when it is on the path. */
export async function makeHostile(server: LabServer, corpus: string[]): Promise<string[]> {
  const names = calledNames(corpus);
  // twin: exact twins of pg_catalog's functions only (pg_catalog first makes them lose; the schema stays on the path).
  for (const sql of ['CREATE SCHEMA evil', 'GRANT USAGE ON SCHEMA evil TO PUBLIC', KILL, shadowsSql(names), ...operatorsSql(),
    'CREATE SCHEMA twin', 'GRANT USAGE ON SCHEMA twin TO PUBLIC', shadowsSql(names, 'twin', false)]) await adminQuery(server, sql);
  const made = await adminQuery(server, `SELECT p.proname AS name, array_to_string(array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) t), '|') AS args
    FROM pg_proc p WHERE p.pronamespace = 'evil'::regnamespace AND p.proname NOT IN ('kill', 'kill2') ORDER BY 1, 2`);
  const calls = made.map((m) => {
    const args = String(m.args) === '' ? [] : String(m.args).split('|');
    return `SELECT ${String(m.name)}(${args.map((t) => `NULL::${t}`).join(', ')}) AS r`;
  });
  const ops = OPERATORS.map((op) => `SELECT NULL::varchar ${op} NULL::varchar AS r`);
  // Only what the classifier validates as a plain read is a step that is not destructive.
  return [...calls, ...ops].filter((t) => classifySql(t, 'postgres').readOnly);
}

/** The lexing attacks of issue #29: harmless text to a parser under the defaults, a terminate to a server that is not. */
export const LEXING_ATTACKS = [
  // standard_conforming_strings = off: the backslash escapes the quote, and the comment is inside the string.
  "SELECT 'x\\' -- ', pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $$victim$$ -- '",
  // client_encoding = SJIS: the last byte of 'ぁ' (UTF-8 E3 81 81) and the backslash are one character there.
  "SELECT E'ぁ\\', pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $$victim$$ --'",
];
