// One reading, by construction: a PostgreSQL read runs with the settings the classifier assumed, whatever the
// role, the database or PGOPTIONS say. The pin is part of the read's own transaction (SET LOCAL, in the message
// that opens it), so it holds behind PgBouncer in transaction mode (the transaction keeps its server connection)
// and the ROLLBACK that ends the step undoes it; the statement itself cannot undo it first, since its text is
// parsed (lexed, names resolved) before any of it runs, and SET / set_config are refused by the classifier.
// The pin is read back in the same message; a setting that did not take, or a message the server or a pooler
// refused, makes the step refuse to run as a read. See docs/confirmation.md.
import { pgActs, PG_READ_ONLY } from '../language/sql/read-only-functions.js';
import { pgReferences } from '../language/sql/pg-references.js';
import { PinRefusal } from './pin-refusal.js';
import { checkSessionSettings } from './pg-unpinned-settings.js';
import { attributeCallsSql, BEGIN_READ, builtinCallsSql, PATH_SQL, PINNED, PLANTED_SQL, READ_BACK_SQL, READ_ISOLATION, resolvedSql, SET_PINNED } from './pg-pin-sql.js';

export interface PinPlan {
  /** The simple-protocol message: BEGIN (READ COMMITTED, READ ONLY), the step's SET LOCALs, the pin, the read-back, the checks. */
  message: string;
  /** Where each check's result is among the message's results; absent: the text gives it nothing to ask. */
  at: { readBack: number; planted: number; resolved?: number; calls?: number; attributes?: number };
  /** The relations the text names (as written) and its WITH queries' names (pg-pin-relations.ts). */
  relations: string[][];
  ctes: string[];
  /** The functions it calls and the types it names, as written (asked of a vouched read: db/pg-secret-reach.ts). */
  named: string[][];
  types: string[][];
  /** Its conversions to JSON (language/sql/pg-json-conversions.ts). */
  toJson: string[];
}

/** A server error in one of a read's check messages, as a refusal saying `what` failed. A lost connection, and
 *  the codes in `asTheyAre`, stay what they are. (PgBouncer answers 08P01 both to a transaction in statement
 *  pooling, which refuses the read here, and to query_wait_timeout, which the login's question passes on.) */
export function checkFailed(err: unknown, what: string, asTheyAre: readonly string[] = []): unknown {
  const code = String((err as { code?: unknown }).code ?? '');
  const said = String((err as { message?: unknown }).message ?? err);
  if (!/^[0-9A-Z]{5}$/.test(code) || /^(080|57)/.test(code) || asTheyAre.includes(code)) return err;
  return new PinRefusal(`${what} (${code}: ${said}): not run as a read`);
}

/** A server error in the pin's message (not a lost connection): the session cannot be pinned. */
export const pinFailed = (err: unknown): unknown => checkFailed(err, 'the session\'s settings could not be pinned for a read');

/** Planner settings the pin's catalog queries turn off, and set back before the statement (see pinPlan). */
export const PLANNER = ['enable_hashjoin', 'enable_mergejoin'];

/** `planted`: the session's prepared question (pg-planted-statement.ts); without it the question is asked in full. */
export function pinPlan(sql: string, timeout: string[], planted: { prepare?: string; ask: string } = { ask: PLANTED_SQL }): PinPlan {
  const refs = pgReferences(sql);
  const relations = refs?.relations ?? [];
  // A reviewed name needs no question (the reads the lint proved call only those).
  const calls = (refs?.calls ?? []).filter((n) => !PG_READ_ONLY.has(n));
  const attributes = refs?.attributes ?? [];
  // jit off: compiling the catalog queries below took ~140 ms per read where JIT is built in (Debian's 15).
  // Nested loops: the planner guesses hundreds of rows for each recursive step where there are a few, and hashed
  // all of pg_proc, pg_attribute and pg_type for them (8 ms a read, 1.5 ms with index lookups). They are set back
  // to their defaults (what they are in a session that set nothing) before the statement: a plan, not a result.
  const head = [BEGIN_READ, ...timeout, 'SET LOCAL jit = off', ...PLANNER.map((p) => `SET LOCAL ${p} = off`), ...SET_PINNED, PATH_SQL];
  const parts = [...head, ...(planted.prepare ? [planted.prepare] : [])];
  const add = (query: string) => parts.push(query) - 1;
  const at: PinPlan['at'] = { readBack: add(READ_BACK_SQL), planted: add(planted.ask) };
  if (relations.length) at.resolved = add(resolvedSql(relations));
  if (calls.length) at.calls = add(builtinCallsSql(calls));
  if (attributes.length) at.attributes = add(attributeCallsSql(attributes));
  parts.push(...PLANNER.map((p) => `SET LOCAL ${p} = DEFAULT`));
  return { message: parts.join(';\n'), at, relations, ctes: refs?.ctes ?? [], named: refs?.named ?? [], types: refs?.types ?? [], toJson: refs?.toJson ?? [] };
}

export interface Rows { rows: Record<string, unknown>[] }

/**
 * A name the statement could not resolve under the pinned path (undefined table 42P01, function 42883, type
 * 42704): says which path it was, since the role's own may have held it (a schema overloading pg_catalog's
 * names is left out). The error is the server's, with the reason appended.
 */
export function explainUnresolved(err: unknown, results: Rows[], plan: PinPlan): unknown {
  const e = err as { code?: unknown; message?: unknown };
  if (!['42P01', '42883', '42704'].includes(String(e.code)) || typeof e.message !== 'string') return err;
  const path = String(results[plan.at.readBack]?.rows[0]?.search_path ?? '');
  e.message += ` (a read resolves names with search_path = ${path}; a schema holding a function or operator named like one of pg_catalog's is left out: qualify the name)`;
  return err;
}

const PINNED_NAMES: ReadonlySet<string> = new Set(Object.keys(PINNED));

/** Throws PinRefusal unless every setting reads back pinned, nothing is planted among PostgreSQL's own, and every
 *  call it names is reviewed. The relations are checked by a second message (pg-pin-relations.ts). */
export function checkPin(plan: PinPlan, results: Rows[]): void {
  const back = results[plan.at.readBack]?.rows[0];
  if (!back) throw new PinRefusal('the session did not answer the pin of its settings: not run as a read');
  for (const [name, want] of Object.entries(PINNED)) {
    if (String(back[name]) !== want) throw new PinRefusal(`${name} could not be pinned to ${want} (the session has ${String(back[name])}): not run as a read`);
  }
  checkSessionSettings(back.settings, back.library_settings, PINNED_NAMES, (why) => new PinRefusal(why));
  const isolation = String(back.transaction_isolation);
  if (isolation !== READ_ISOLATION) throw new PinRefusal(`the read's transaction is ${isolation}, not ${READ_ISOLATION} (under serializable a read can make another session's transaction fail): not run as a read`);
  const path = String(back.search_path);
  if (!/^pg_catalog, (.+, )?pg_temp$/.test(path)) throw new PinRefusal(`search_path could not be pinned (the session has ${path}): not run as a read`);
  // `'disk full' @@ 'disk'` parses with this configuration: one someone created runs its parser's code.
  const config = String(back.default_text_search_config);
  if (!/^pg_catalog\.[a-z_]+$/.test(config)) throw new PinRefusal(`default_text_search_config is ${config}, not one of PostgreSQL's own (its parser and dictionaries run in a read that searches text): not run as a read`);
  const planted = answer(results, plan.at.planted, 'whether the server holds objects someone planted among PostgreSQL\'s own');
  const found = planted.rows[0];
  // A type's functions are judged wherever the type is (pg-pin-sql.ts, TYPE_FUNCTIONS); every other kind is found
  // among PostgreSQL's own objects.
  const among = found && found.kind !== 'type function' ? " among PostgreSQL's own" : '';
  if (found) throw new PinRefusal(`the server holds ${/^[aeiou]/.test(String(found.kind)) ? 'an' : 'a'} ${String(found.kind)} someone created${among}, ${String(found.shown)}: the server applies it by its own rules wherever it fits, so no read is proven on this server (safe_because cannot vouch for it); not run as a read`);
  const builtin = answer(results, plan.at.calls, 'which functions the read calls are built-ins')?.rows[0];
  if (builtin) throw new PinRefusal(`it calls ${String(builtin.name)}(), a PostgreSQL built-in not reviewed as read-only, which safe_because cannot vouch for (it vouches for the author's own code; some built-ins run SQL given as text or read a relation named by a value)`);
  const attribute = answer(results, plan.at.attributes, 'which functions its names in attribute position could call')?.rows.find(unreviewedAttributeCall);
  if (attribute?.kind === 'type') {
    throw new PinRefusal(`.${String(attribute.bare)} could convert to the type ${String(attribute.shown)} (schema ${String(attribute.schema)}): PostgreSQL reads t.${String(attribute.bare)} and (t).${String(attribute.bare)} as a conversion to a type of that name wherever t has no such column and no function fits exactly, and a domain's CHECK, or a cast of a type someone created, runs on the value; not run as a read`);
  }
  if (attribute) {
    throw new PinRefusal(`.${String(attribute.bare)} could call ${String(attribute.shown)} (schema ${String(attribute.schema)}): PostgreSQL reads t.${String(attribute.bare)} and (t).${String(attribute.bare)} as a call of that function wherever t has no column of that name (attribute notation), and no read of a function by that notation is proven, vouched for or not; not run as a read`);
  }
}

/** The result of one check, or a refusal when the session gave none: a check asked is a check answered. */
export function answer(results: Rows[], at: number, what: string): Rows;
export function answer(results: Rows[], at: number | undefined, what: string): Rows | undefined;
export function answer(results: Rows[], at: number | undefined, what: string): Rows | undefined {
  if (at === undefined) return undefined;
  const rows = results[at];
  if (!rows) throw new PinRefusal(`the session did not answer ${what}: not run as a read`);
  return rows;
}

/** A function that attribute notation reaches is fine only as a pg_catalog built-in reviewed read-only; a domain or
 *  a type someone created that it may convert to, never (a CHECK, or the type's casts, are the owner's code). */
const unreviewedAttributeCall = (row: Record<string, unknown>) =>
  row.kind === 'type' || !(row.builtin === true && PG_READ_ONLY.has(String(row.bare)) && !pgActs(String(row.bare)));
