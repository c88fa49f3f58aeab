// Code the planner runs for a catalog's own sake (issue #45, a probe). Planning a query loads, for
// every relation it reads, that relation's extended-statistics objects (get_relation_statistics) and its indexes,
// and const-folds their expressions, running any IMMUTABLE function in them: no ANALYZE needed. A table made to
// inherit a relation is read by every query over it, and planned with it (its own indexes and statistics too). A
// superuser can put each of these on PostgreSQL's own catalogs (statistics and indexes with allow_system_table_mods
// on; inheritance without even that), and the engine's own catalog queries (the session's first question, every
// read's pin) read pg_proc, pg_namespace and others: a probe's `SELECT 1` and a built-in's --dry-run terminated
// another session that way. No SELECT can ask about it, since planning it is the hazard (a statistics object can
// sit on pg_statistic_ext itself), so the question is a COPY of the catalogs' own tables (db/pg-copy-out.ts),
// which the planner never sees: in the session's first message, which holds nothing planned (db/pg-first-question.ts),
// and again before each read's pin message (db/pg-session.ts, where its cost is measured).
// What is left: PostgreSQL's own pg_index rows edited in place (an expression UPDATEd into a built-in index), and
// CHECK constraints someone added to a catalog, which the planner folds only under constraint_exclusion = on.
import type pg from 'pg';
import { copyOut, type CopyRow, type CopyTable } from './pg-copy-out.js';
import { builtinOid as own, userMadeOid as userMade } from './pg-pin-sql.js';

/** pg_statistic_ext came with PostgreSQL 10; before it, no statistics object exists. */
export const STATISTICS_SINCE = 10;
const STATISTICS: CopyTable = { table: 'pg_catalog.pg_statistic_ext', columns: ['stxrelid', 'stxname'] };
const INDEXES: CopyTable = { table: 'pg_catalog.pg_index', columns: ['indrelid', 'indexrelid'] };
const CHILDREN: CopyTable = { table: 'pg_catalog.pg_inherits', columns: ['inhparent', 'inhrelid'] };
/** Read only to name what was found (by COPY too: a SELECT over pg_class plans pg_class). */
const NAMES: CopyTable = { table: 'pg_catalog.pg_class', columns: ['oid', 'relname'] };

const shown = (name: string): string => name.replace(/[\x00-\x1f\x7f]/g, '?');

/** The catalogs asked, by COPY, for what was put on PostgreSQL's own: those of a server of `major`. */
export const planningTables = (major: number): CopyTable[] => [...(major >= STATISTICS_SINCE ? [STATISTICS] : []), INDEXES, CHILDREN];

/**
 * What someone put on PostgreSQL's own catalogs that the planner runs in every query over them, said for the
 * operator, or undefined. One round trip when nothing is found.
 */
export async function catalogPlanningHooks(client: pg.Client, major: number): Promise<string | undefined> {
  return plantedProblem(client, major, await copyOut(client, planningTables(major)));
}

/** What planningTables(major)'s rows (`found`, in order) say; the catalogs' names are asked (by COPY) only to name one. */
export async function plantedProblem(client: pg.Client, major: number, found: CopyRow[][]): Promise<string | undefined> {
  const [statistics, indexes, children] = major >= STATISTICS_SINCE ? found : [[], ...found];
  // Each row: the relation it is on (a catalog: below FirstNormalObjectId), then what was put there.
  const stat = statistics!.find((r) => own(r[0]!));
  const index = indexes!.find((r) => own(r[0]!) && userMade(r[1]!));
  const child = children!.find((r) => own(r[0]!));
  if (!stat && !index && !child) return undefined;
  const names = await copyOut(client, [NAMES]).then(([rows]) => new Map(rows!.map((r) => [r[0], r[1]])), () => new Map<string | null, string | null>());
  const named = (oid: string | null) => { const n = names.get(oid); return n ? shown(n) : `OID ${String(oid)}`; };
  const catalog = (oid: string | null) => `PostgreSQL's own catalog ${named(oid)}`;
  if (stat) return `a statistics object someone created on ${catalog(stat[0]!)} (${shown(stat[1] ?? '?')}): the planner runs its expressions' code in every query over that catalog, the engine's own included`;
  if (index) return `an index someone created on ${catalog(index[0]!)} (${named(index[1]!)}): the planner runs its expressions' code in every query over that catalog, the engine's own included`;
  return `a table someone made inherit ${catalog(child![0]!)} (${named(child![1]!)}): every query over that catalog, the engine's own included, reads it too, and the planner runs its indexes' and statistics' code`;
}
