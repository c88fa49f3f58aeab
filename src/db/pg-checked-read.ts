// Everything a PostgreSQL read is checked against before its statement is sent, in the read's own transaction:
// the pin's message (settings, planted objects, calls; db/pg-pin.ts), then its relations', locked first
// (db/pg-pin-relations.ts). The session sends the text this returns; the tests drive the same steps.
import { regeneratePg } from '../language/sql/pg-parser.js';
import { PinRefusal } from './pin-refusal.js';
import { checkPin, explainUnresolved, pinFailed, pinPlan, type PinPlan, type Rows } from './pg-pin.js';
import type { PlantedStatement } from './pg-planted-statement.js';
import { PLANTED_SQL } from './pg-pin-sql.js';
import { sameRelations, unchanged, watched, type Watched } from './pg-read-watch.js';
import { secretReachSql, secretsReached, type VouchedText } from './pg-secret-reach.js';
import { checkRelations, relationsFailed, relationsPlan, resolvedRelations, schemasOf, type Resolved } from './pg-pin-relations.js';
import { MASKED_RELATIONS } from '../language/sql/pg-masked-relations.js';

export interface CheckedRead {
  text: string; plan: PinPlan; pinned: Rows[];
  /** The secrets it reaches through relations someone created (db/pg-secret-reach.ts): the step is given them. */
  secretsRead: string[];
  /** Asks the catalog questions again once the statement has run; throws ReadChanged where an answer changed. */
  unchanged(): Promise<void>;
}

export interface ReadCheck {
  /** SET LOCALs of the step (its statement_timeout), sent in the pin's message. */
  timeout: string[];
  /** Vouched for: code not known to be read-only is allowed, and the text runs as written. */
  vouched: boolean;
  /** The text runs as written, not with its relations' schemas (vouched for, or a test's author's text). */
  asWritten?: boolean;
  /** The server's major, whose grammar reads the text the engine writes. */
  major: number;
  /** Told when the pin's message itself was refused: every later read on the session would be. */
  unpinnable?: (refusal: PinRefusal) => void;
  /** The session's prepared question about planted objects; absent: asked in full. */
  planted?: PlantedStatement;
}

/** `send`: one simple-protocol message on the read's connection, its results in order. */
export async function checkRead(send: (message: string) => Promise<Rows[]>, sql: string, check: ReadCheck): Promise<CheckedRead> {
  const refused = (err: unknown): never => {
    const refusal = pinFailed(err);
    if (refusal instanceof PinRefusal) check.unpinnable?.(refusal);
    throw refusal;
  };
  const pin = async (): Promise<[PinPlan, Rows[]]> => {
    const plan = pinPlan(sql, check.timeout, check.planted?.statements());
    const results = await send(plan.message).then((r) => { check.planted?.settled(true); return r; }, (err: unknown) => { check.planted?.settled(false); throw err; });
    return [plan, results];
  };
  const [plan, pinned] = await pin().catch(async (err: unknown) => {
    if (!check.planted?.gone(err)) return refused(err);
    await send('ROLLBACK'); // the failed message's transaction; then the question in full, here and from now on
    return pin().catch(refused);
  });
  checkPin(plan, pinned);
  const found = (() => {
    try { return resolvedRelations(plan, pinned); } catch (err) { throw explainUnresolved(err, pinned, plan); }
  })();
  let only: string[][] = [];
  let before: Watched | undefined;
  let secretsRead: string[] = [];
  // A vouched text runs the author's code: what it calls and names is asked too (proven text calls only built-ins).
  const own: VouchedText = check.vouched ? { calls: plan.named, types: plan.types } : { calls: [], types: [] };
  if (found.length) {
    const second = relationsPlan(found, own);
    const results = await send(second.message).catch((err: unknown) => { throw relationsFailed(err); });
    only = checkRelations(second, results, found, check.vouched, plan.toJson);
    before = watched(results, second.at, second.watch);
    sameRelations(before, found);
    secretsRead = secretsReached(results, second.at.secrets);
  } else if (own.calls.length || own.types.length) {
    const results: unknown = await send(secretReachSql([], own.calls, own.types)).catch((err: unknown) => { throw relationsFailed(err); });
    secretsRead = secretsReached(Array.isArray(results) ? results as Rows[] : [results as Rows], 0); // one statement: one result
  }
  const text = check.vouched || check.asWritten ? sql : qualified(sql, schemasOf(found), only, check.major);
  // As written, the authentication files' views are read themselves, not the engine's masked subquery of them.
  if (check.vouched || check.asWritten) secretsRead = [...secretsRead, ...unmasked(found)];
  // A vouched text runs as written and could replace the session's prepared question: asked in full after it.
  const planted = check.vouched || !check.planted ? PLANTED_SQL : check.planted.statements().ask;
  return { text, plan, pinned, secretsRead, unchanged: () => unchanged(send, before, planted) };
}

/** The views a text run as written reads themselves, not the engine's masked subqueries of them
 *  (pg-masked-relations.ts: the authentication files' options, other sessions' statements). */
const unmasked = (found: Resolved[]): string[] => found.filter((f) => f.schema === 'pg_catalog' && MASKED_RELATIONS.includes(f.name))
  .map((f) => `what the engine masks of pg_catalog.${f.name}, by reading it as written`);

/** The engine's text with what the server would look up along the path written qualified (pg-parser.ts): its
 *  relations with the schemas they resolved to (and ONLY where they had no child), its functions and operators
 *  with pg_catalog. */
function qualified(sql: string, schemas: Record<string, string>, only: string[][], major: number): string {
  if (sql.trim() === '') return sql; // only comments: the engine's text of it is empty
  const r = regeneratePg(sql, major, schemas, only);
  if ('error' in r) throw new PinRefusal(`the engine could not write this statement with the schemas its names resolved to (${r.error}): not run as a read`);
  return r.text;
}
