// PostgreSQL's own operators and types, by the name a query gives them unqualified. pg_catalog is searched
// first, so an unqualified name of one of these resolves to PostgreSQL's own (a `public.text` type is never
// reached); a name qualified with another schema is someone's own object.

const words = (s: string): ReadonlySet<string> => new Set(s.trim().split(/\s+/));

/** A function name the pinned search_path sends to pg_catalog: unqualified, pg_catalog.f, or db.pg_catalog.f (a
 *  catalog-qualified name in the session's own database). The classifier and the run's question agree on it. */
export const resolvesToCatalog = (name: readonly string[]): boolean => name.length === 1 || name.at(-2) === 'pg_catalog';

/** Operators of the built-in types (comparison, arithmetic, text, JSON, arrays, ranges, network, geometry). */
export const PG_READ_ONLY_OPERATORS: ReadonlySet<string> = new Set([...words(`
  = <> != < > <= >= + - * / % ^ || ~~ !~~ ~~* !~~* ~ ~* !~ !~* @> <@ && -> ->> #> #>> ? ?| ?& << >> <<= >>=
  & | # @ @@ <-> |/ ||/ -|- @? #- *= *<>`),
  'BETWEEN', 'NOT BETWEEN', 'BETWEEN SYMMETRIC', 'NOT BETWEEN SYMMETRIC']);

/**
 * Types a cast may name unqualified (`x::text`, `CAST(x AS interval)`): their input functions and casts are
 * PostgreSQL's. SQL spellings such as `int`, `bigint`, `varchar` or `timestamp with time zone` reach the
 * parse tree as `pg_catalog.int4` and so on, which any pg_catalog type passes. Only pg_catalog's own type names
 * (test/hardening/sql-pg-catalog-names.test.ts holds them to the catalogs of 15 and 18): a quoted SQL spelling
 * (`5::"integer"`, `CAST(5 AS "bigint")`) is looked up as written, and pg_catalog has no type "integer", so the
 * server finds it in the role's own schemas (issue #45). For the same reason no `!`: PostgreSQL 14 dropped its
 * factorial operators, and `! 5` finds an operator of that name anywhere on the path.
 */
export const PG_BUILTIN_TYPES = words(`
  bool int2 int4 int8 float4 float8 numeric money
  text varchar bpchar char name
  bytea uuid json jsonb jsonpath xml
  date time timetz timestamp timestamptz interval
  inet cidr macaddr macaddr8
  oid xid xid8 cid tid regclass regproc regprocedure regoper regoperator regtype regrole regnamespace
  regconfig regdictionary regcollation pg_lsn pg_snapshot txid_snapshot
  bit varbit tsvector tsquery
  int4range int8range numrange tsrange tstzrange daterange int4multirange int8multirange nummultirange
  tsmultirange tstzmultirange datemultirange
  point line lseg box path polygon circle
  record anyelement anyarray unknown void
`);
