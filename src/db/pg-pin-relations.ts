// A read's relations, held still while their code is read (issue #45). The pin's message resolved each relation
// the text names under the pinned path (pg-pin.ts); this second message, in the same transaction, locks them in
// ACCESS SHARE mode, so no session can replace a view, add a policy or change a column type until the read ends
// (every such change waits for ACCESS EXCLUSIVE); a view's lock takes the relations it reads with it. It then
// resolves them again (the same OIDs) and reads the code the server will run for them (dependenciesSql). The
// engine writes the statement with each relation's schema, so a relation created meanwhile earlier in the path
// cannot take a name's place. Before, the code was read a message ahead of the statement, and a session
// replacing a view in a loop ran its code in 44 of 200 reads.
import { pgActs, PG_READ_ONLY } from '../language/sql/read-only-functions.js';
import { pgSystemViewCalls } from '../language/sql/pg-system-view-calls.js';
import { PinRefusal } from './pin-refusal.js';
import { dependenciesSql, resolvedSql } from './pg-pin-sql.js';
import { STATISTICS_READ, watchSql } from './pg-watch-sql.js';
import { ownRelations, secretReachSql, type VouchedText } from './pg-secret-reach.js';
import { answer, checkFailed, PLANNER, type PinPlan, type Rows } from './pg-pin.js';

const NOTHING_VOUCHED: VouchedText = { calls: [], types: [] };

/** A relation the read names, as the server resolved it. */
export interface Resolved { named: string[]; oid: string; kind: string; schema: string; name: string }

/** Kinds LOCK TABLE takes: tables, partitioned tables, views. A sequence or a materialized view runs no code on a
 *  read; a foreign table is never proven (its wrapper). */
const LOCKABLE = new Set(['r', 'p', 'v']);

/** The relations as the pin's message resolved them. A name that resolved to nothing and is no WITH query is
 *  refused as the server refuses the statement (42P01), before a relation of that name can appear. */
export function resolvedRelations(plan: PinPlan, results: Rows[]): Resolved[] {
  const rows = answer(results, plan.at.resolved, 'what the relations it names are')?.rows ?? [];
  const found = rows.map((r) => ({ named: plan.relations[Number(r.i) - 1]!, oid: String(r.oid), kind: String(r.kind), schema: String(r.schema), name: String(r.name) }));
  const missing = plan.relations.find((n) => !found.some((f) => f.named === n) && !(n.length === 1 && plan.ctes.includes(n[0]!)));
  if (missing) throw Object.assign(new Error(`relation "${missing.join('.')}" does not exist`), { code: '42P01' });
  return found;
}

/** The schema each relation named without one resolved to: the engine writes the statement with it. */
export const schemasOf = (found: Resolved[]): Record<string, string> =>
  Object.fromEntries(found.filter((f) => f.named.length === 1).map((f) => [f.named[0]!, f.schema]));

export interface RelationsPlan { message: string; at: { again: number; dependencies: number; secrets?: number; watch: number; count: number }; watch: string }

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Sent after the pin (UTF8, standard strings): names from the server may be written as they are. */
/** `vouched`: what a vouched text calls and names itself, asked with the relations' reach (pg-secret-reach.ts). */
export function relationsPlan(found: Resolved[], vouched: VouchedText = NOTHING_VOUCHED): RelationsPlan {
  const qualified = found.map((f) => [f.schema, f.name]);
  const lock = [...new Set(found.filter((f) => LOCKABLE.has(f.kind)).map((f) => `${quoted(f.schema)}.${quoted(f.name)}`))];
  const parts = [...PLANNER.map((p) => `SET LOCAL ${p} = off`), ...(lock.length ? [`LOCK TABLE ${lock.join(', ')} IN ACCESS SHARE MODE`] : [])];
  const add = (query: string) => parts.push(query) - 1;
  // Last, what the read asks again after its statement (db/pg-read-watch.ts): the count after the watch query,
  // whose pg_get_statisticsobjdef put the statistics objects the check saw in the catalog cache.
  const watch = watchSql(qualified);
  const own = ownRelations(found);
  const at = { again: add(resolvedSql(qualified)), dependencies: add(dependenciesSql(qualified)),
    ...(own.length || vouched.calls.length || vouched.types.length ? { secrets: add(secretReachSql(own, vouched.calls, vouched.types)) } : {}), watch: add(watch), count: add(STATISTICS_READ) };
  parts.push(...PLANNER.map((p) => `SET LOCAL ${p} = DEFAULT`));
  return { message: parts.join(';\n'), at, watch };
}

/** A server error in the second message: this read is refused, the session stays usable. What the statement
 *  itself would have met (no privilege on a relation, 42501; a relation gone, 42P01) stays what it is. */
export const relationsFailed = (err: unknown): unknown =>
  checkFailed(err, 'the relations it names could not be locked and checked', ['42501', '42P01']);

/** Throws PinRefusal unless the relations are the ones resolved before and their code is known (or vouched for:
 *  safe_because covers code not known to be read-only, never code known to act). Returns the tables, as the text
 *  names them, that the statement reading their code saw no inheritance child of: the engine writes them ONLY.
 *  ALTER TABLE … INHERIT takes SHARE UPDATE EXCLUSIVE on the parent, which the read's ACCESS SHARE does not block,
 *  so a child attached after the check (or detached between two statements of it and attached again) would be
 *  planned (its CHECK's function folded). A partitioned table cannot be read ONLY, nor a view's base tables: left. */
export function checkRelations(plan: RelationsPlan, results: Rows[], found: Resolved[], vouched: boolean, toJson: string[] = []): string[][] {
  const again = answer(results, plan.at.again, 'what the relations it names are now').rows;
  const moved = found.find((f, i) => String(again.find((r) => Number(r.i) === i + 1)?.oid) !== f.oid);
  if (moved) throw new PinRefusal(`${moved.schema}.${moved.name} changed while the read was being checked (another relation now has its name): not run as a read`);
  const rows = answer(results, plan.at.dependencies, 'which code the relations it names run').rows;
  const parents = new Set(rows.filter((r) => r.kind === 'parent').map((r) => String(r.shown)));
  const findings = rows.filter((r) => r.kind !== 'parent' && r.kind !== 'value type').map(judge).filter((f) => f !== undefined);
  const acting = findings.find((f) => f.acts);
  const refused = acting ?? (vouched ? undefined : findings[0]);
  if (refused) throw new PinRefusal(`${refused.why} (code the server runs for a relation the text names, as the server resolves it)`);
  // Code there now is named above; a cast to json created after this check, only by what the read converts.
  const valueType = rows.find((r) => r.kind === 'value type');
  if (valueType && toJson.length && !vouched) throw jsonRefusal(toJson[0]!, valueType);
  return found.filter((f) => f.kind === 'r' && !parents.has(f.oid)).map((f) => f.named);
}

/** A conversion to JSON of a value whose type is someone's: its cast is looked up as the statement runs, after
 *  every check (language/sql/pg-json-conversions.ts), so no check can say which code it runs. */
const jsonRefusal = (conversion: string, row: Record<string, unknown>): PinRefusal =>
  new PinRefusal(`it converts to JSON (${conversion}) where a value of ${String(row.rel)} has the type ${String(row.shown)}, which is not PostgreSQL's own: the server looks up that type's cast to json as the statement runs, and its owner can create one after any check; not proven, not run as a read`);

interface Judged { why: string; acts: boolean }

/** One row of dependenciesSql: fine (undefined), not known to be read-only, or known to act. */
function judge(row: Record<string, unknown>): Judged | undefined {
  const kind = String(row.kind);
  const shown = String(row.shown);
  const at = `${String(row.rel)} `;
  if (kind === 'foreign table') return { why: `${shown} is a foreign table, whose wrapper is not known to be read-only`, acts: false };
  if (kind !== 'function') return { why: `${at}uses the ${kind} ${shown}, which is not known to be read-only`, acts: false };
  const bare = String(row.bare);
  if (row.builtin === true) {
    if (pgActs(bare)) return { why: `${at}calls ${shown}, which acts on the server`, acts: true };
    // Folded at plan time only when IMMUTABLE, and one of PostgreSQL's own then: it acts on nothing — unless a
    // superuser marked an acting one IMMUTABLE (ALTER FUNCTION pg_try_advisory_lock(bigint) IMMUTABLE), above.
    if (row.planned === true) return undefined;
    if (PG_READ_ONLY.has(bare) || row.known === true || pgSystemViewCalls().has(bare)) return undefined;
    return { why: `${at}calls ${shown}, a PostgreSQL built-in not reviewed as read-only`, acts: true };
  }
  return { why: `${at}calls ${shown}, which is not known to be read-only`, acts: false };
}
