// The session's first message (a probe of stop 73): nothing in it is planned. A table someone made inherit pg_cast,
// with an expression index calling a function that writes, ran that function at every login (dry runs too): the
// first message SELECTed pg_cast's rows, the planner expanded the child and folded its index's expression, and the
// COPY that would have found the child came after. Now the major (SHOW), what was put on the catalogs the planner
// reads (pg-catalog-planning.ts), pg_cast's rows (pg-catalog-hooks.ts) and the roles' and databases' settings
// (pg-libraries.ts) all come by SHOW and COPY, neither of which the planner sees, in one round trip: no SELECT
// goes to the server before they are judged.
import type pg from 'pg';
import { showAndCopyOut, type CopyRow } from './pg-copy-out.js';
import { planningTables, STATISTICS_SINCE } from './pg-catalog-planning.js';
import { CAST_COLUMNS, castRows } from './pg-catalog-hooks.js';
import { ROLE_SETTINGS, roleSettings } from './pg-libraries.js';

export interface FirstAnswers {
  major: number;
  /** planningTables(major)'s rows, for plantedProblem. */
  planting: CopyRow[][];
  /** pg_cast's, for catalogHooks. */
  casts: Record<string, unknown>[];
  /** Every `name=value` of the roles' and databases' own settings, for librariesProblem. */
  libraries: string[];
}

const UNDEFINED_TABLE = '42P01';

/** The message, for a server of `major` or later (only pg_statistic_ext's presence depends on it). */
const ask = (client: pg.Client, major: number) =>
  showAndCopyOut(client, 'server_version_num', [...planningTables(major), CAST_COLUMNS, ROLE_SETTINGS]);

/** The first message's answers. A server before PostgreSQL 10 has no pg_statistic_ext: asked again without it. */
export async function firstAnswers(client: pg.Client): Promise<FirstAnswers> {
  const { shown, rows } = await ask(client, STATISTICS_SINCE).catch((err: unknown) => {
    if ((err as { code?: unknown }).code !== UNDEFINED_TABLE) throw err;
    return ask(client, 0);
  });
  const major = Math.floor(Number(shown ?? 0) / 10000);
  const planting = rows.slice(0, -2);
  if (planting.length !== planningTables(major).length) throw new Error(`PostgreSQL ${major} has no pg_statistic_ext`);
  return { major, planting, casts: castRows(rows.at(-2)!), libraries: roleSettings(rows.at(-1)!) };
}
