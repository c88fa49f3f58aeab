// The catalog questions a PostgreSQL read asks in its relations' message and again after its statement, in the
// same transaction (db/pg-read-watch.ts): what its relations' planner may fold or look up that no lock the read
// holds keeps still. ASCII only, every name qualified with pg_catalog, values as text by format() (pg-pin-sql.ts).
import { FIRST_USER_OID, reachedCtes } from './pg-pin-sql.js';

const eq = 'OPERATOR(pg_catalog.=)';
const asText = (expr: string) => `pg_catalog.format('%s', ${expr})`;

/** The watch's row for a relation the read names: this prefix, then the OID its name resolves to (none: empty). */
export const NAMED_RELATION = 'named relation ';

/**
 * One row per object, as text: the statistics objects, indexes and inheritance children (partitions) of every
 * relation the read reaches, and the casts from or to a type someone created and the domain constraints of the
 * types a value of them has. CREATE
 * STATISTICS (SHARE UPDATE EXCLUSIVE), CREATE INDEX (SHARE) and ATTACH PARTITION pass the read's ACCESS SHARE lock;
 * CREATE CAST takes none. An index or a child, once there, stays until the read ends (dropping it waits for the
 * read's lock); a statistics object, a cast or a domain's constraint can come and go while the statement runs:
 * a statistics object is counted below, a cast or a constraint is seen only if it is still there.
 * pg_get_statisticsobjdef reads each statistics object through the server's catalog cache, so the statement's
 * planner finds these in it and reads from the catalog only one created since (STATISTICS_READ).
 */
export function watchSql(relations: string[][]): string {
  return `WITH RECURSIVE ${reachedCtes(relations)}
SELECT x.what FROM (
  SELECT pg_catalog.format('statistics object %s on %s: %s', s.oid, ${asText('s.stxrelid::pg_catalog.regclass')}, pg_catalog.pg_get_statisticsobjdef(s.oid)) AS what
  FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid ${eq} ANY (SELECT kinds.oid FROM kinds)
  UNION ALL
  SELECT pg_catalog.format('index %s (valid %s, ready %s): %s', i.indexrelid, i.indisvalid, i.indisready, pg_catalog.pg_get_indexdef(i.indexrelid))
  FROM pg_catalog.pg_index i WHERE i.indrelid ${eq} ANY (SELECT kinds.oid FROM kinds)
  UNION ALL
  SELECT pg_catalog.format('child %s of %s (detaching %s)', ${asText('i.inhrelid::pg_catalog.regclass')}, ${asText('i.inhparent::pg_catalog.regclass')}, i.inhdetachpending)
  FROM pg_catalog.pg_inherits i WHERE i.inhparent ${eq} ANY (SELECT kinds.oid FROM kinds)
  UNION ALL
  SELECT pg_catalog.format('cast (%s AS %s) %s', pg_catalog.format_type(k.castsource, NULL), pg_catalog.format_type(k.casttarget, NULL), k.oid)
  FROM pg_catalog.pg_cast k WHERE (k.castsource ${eq} ANY (SELECT types.oid FROM types) OR k.casttarget ${eq} ANY (SELECT types.oid FROM types))
    AND k.oid OPERATOR(pg_catalog.>=) ${FIRST_USER_OID}::pg_catalog.oid
  UNION ALL -- what each name the read names is: a materialized view, which LOCK TABLE does not take, can be dropped
  -- and created again under its name (another query's rows) between the check and the statement (NAMED_RELATION)
  SELECT pg_catalog.format('${NAMED_RELATION}%s', named.oid::pg_catalog.oid) FROM named
  UNION ALL -- ALTER DOMAIN … ADD CONSTRAINT … NOT VALID locks no relation either: a literal coerced to it runs the check
  SELECT pg_catalog.format('constraint %s of the domain %s', c.oid, pg_catalog.format_type(c.contypid, NULL))
  FROM pg_catalog.pg_constraint c WHERE c.contypid ${eq} ANY (SELECT types.oid FROM types)
) x ORDER BY x.what`;
}

/** How many catalog rows this transaction has read through the statistics objects' OID index (the planner's
 *  catalog cache misses), and whether the server counts them at all (track_counts). */
export const STATISTICS_READ = `SELECT ${asText("pg_catalog.pg_stat_get_xact_tuples_fetched('pg_catalog.pg_statistic_ext_oid_index'::pg_catalog.regclass)")} AS fetched,
  pg_catalog.current_setting('track_counts') AS counting`;
