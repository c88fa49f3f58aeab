// What of the server's password store a MySQL/MariaDB read reaches through objects someone created (a probe of
// stop 78). The text's own reading gives a step the secret when it reads mysql.user, global_priv or servers
// (language/sql/account-stores.ts), or a variable that may hold a password (mysql-variable-reads.ts); a view hides
// that from the text: a DBA's `CREATE VIEW app_db.accounts AS
// SELECT user, authentication_string FROM mysql.user` read by a vouched `SELECT * FROM accounts`, a SQL SECURITY
// DEFINER view granted to the application, a stored function `RETURN (SELECT authentication_string …)`, or a view
// in mysql itself written with the server's definer (read as a proven read, no vouching) printed every verifier.
// So, as the server resolves them: every view and stored routine the read names, and those their definitions name
// in turn (unqualified names in the object's own schema), each definition read by the same reader as a step's text.
// A definition this account cannot see, or the engine cannot read, may reach one: given too (an allowlist: only
// what is shown to reach none is shown). A fresh install's views are the server's own (mysql.user is a store by
// its name, read by the text's columns), though what they call is followed.
import { accountStoreRead } from '../language/sql/account-stores.js';
import { mysqlVariableRead } from '../language/sql/mysql-variable-reads.js';
import { mysqlRelations, type MysqlRelation } from '../language/sql/mysql-relations.js';
import { isVirtualSchema } from './mysql-relations-check.js';
import { isStockView } from './mysql-stock-views.js';
import { mysqlUnqualifiedCalls } from '../language/sql/mysql-calls.js';
import { classifyViewDefinition } from '../language/sql/index.js';

/** Views over views over routines: a chain longer than this is given (not followed). */
const MAX_DEPTH = 8;

export type Ask = (sql: string, values: string[]) => Promise<Record<string, unknown>[]>;

/** A view or a stored routine someone may have created, with its code as the server keeps it. */
interface Found { kind: 'view' | 'routine'; schema: string; name: string; definition: string | null; via: string[] }

/** The views and routines among the names, by schema (unqualified: the session's database), with routines' bodies. */
export function objectsQuery(asked: MysqlRelation[]): { sql: string; values: string[] } {
  const bySchema = new Map<string | undefined, string[]>();
  for (const [schema, name] of asked) bySchema.set(schema, [...(bySchema.get(schema) ?? []), name]);
  const parts: string[] = [];
  const values: string[] = [];
  for (const [schema, names] of bySchema) {
    const where = schema === undefined ? 'DATABASE()' : '?';
    const list = names.map(() => '?').join(', ');
    parts.push(`SELECT 'view' AS k, TABLE_SCHEMA AS s, TABLE_NAME AS n, NULL AS d FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ${where} AND TABLE_TYPE = 'VIEW' AND TABLE_NAME IN (${list})`);
    values.push(...(schema === undefined ? [] : [schema]), ...names);
    parts.push(`SELECT 'routine', ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES
      WHERE ROUTINE_SCHEMA = ${where} AND ROUTINE_NAME IN (${list})`);
    values.push(...(schema === undefined ? [] : [schema]), ...names);
  }
  return { sql: parts.join('\nUNION ALL\n'), values };
}

/** Each view's definition, looked up by its exact schema and name (information_schema.VIEWS opens no other view). */
function definitionsQuery(views: Found[]): { sql: string; values: string[] } {
  const one = 'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, VIEW_DEFINITION AS d FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND BINARY TABLE_SCHEMA = ? AND BINARY TABLE_NAME = ?';
  return { sql: views.map(() => one).join('\nUNION ALL\n'), values: views.flatMap((v) => [v.schema, v.name, v.schema, v.name]) };
}

const nameOf = (f: Found): string => `${f.schema}.${f.name}`;
const through = (f: Found): string => (f.via.length ? ` (through ${f.via.join(' ← ')})` : '');

/** What one object's definition gives the read (a phrase), and the names it reads next. A fresh install's view
 *  gives nothing itself (mysql.user reads global_priv's verifiers for every account, and the text's own columns
 *  decide that), but what it calls is followed: an administrator may replace a sys function it calls. */
function judge(f: Found, stock: boolean): { given?: string; next: MysqlRelation[]; calls?: string[] } {
  const what = `${f.kind === 'view' ? 'the view' : 'the stored routine'} ${nameOf(f)}${through(f)}`;
  if (f.definition === null || f.definition.trim() === '') {
    return { given: `what ${what} reads, whose definition this account cannot see (it may reach the server's stored passwords)`, next: [] };
  }
  const names = mysqlRelations(f.definition);
  // A definition that is itself a proven read calls natives only (the read list); other code is asked about.
  const proven = stock || (f.kind === 'view' && classifyViewDefinition(f.definition).readOnly);
  const calls = proven ? [] : mysqlUnqualifiedCalls(f.definition);
  if (!names || !calls) return { given: `what ${what} reads, whose definition the engine cannot read (it may reach the server's stored passwords)`, next: [] };
  const store = stock ? undefined : accountStoreRead(f.definition, 'mysql') ?? mysqlVariableRead(f.definition);
  const next = names.map(([schema, name]): MysqlRelation => [schema ?? f.schema, name]).filter(([schema]) => !isVirtualSchema(schema));
  return { ...(store ? { given: `${store}, in ${what}` } : {}), next, calls };
}

/**
 * The phrases of what the read reaches, for the step's "given" list; [] when it reaches no store. `named`: the
 * relations the read's text may name (mysqlRelations), unqualified ones in the session's database. `callsOwnCode`:
 * whether the text itself may call a stored routine; a proven read calls only natives of the read list (the
 * session pins IGNORE_SPACE and sends the engine's own text), so a routine that only shares a name it calls
 * (`COUNT (1)` beside the database's own COUNT) is not reached by it.
 */
export async function mysqlSecretsReached(ask: Ask, named: MysqlRelation[], serverVersion: string, callsOwnCode = true): Promise<Reach> {
  const given = new Set<string>();
  const code: string[] = [];
  const calls = new Set<string>();
  const unread: string[] = [];
  const seen = new Set<string>();
  const definitions: string[] = [];
  let asked = named.filter(([schema]) => !isVirtualSchema(schema)).map((r) => ({ r, via: [] as string[] }));
  for (let depth = 0; asked.length; depth++) {
    if (depth === MAX_DEPTH) {
      const deep = `the views and routines it reads, nested deeper than ${MAX_DEPTH} (not followed)`;
      return { given: [...given, `what ${deep} reach (they may reach the server's stored passwords)`], code, calls: [...calls], unread: [...unread, deep], definitions };
    }
    const found = await lookUp(ask, asked);
    const next: typeof asked = [];
    for (const f of found) {
      if (depth === 0 && f.kind === 'routine' && !callsOwnCode) continue;
      const key = `${f.kind}\u0000${f.schema}\u0000${f.name}`.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      definitions.push(definitionOf(f));
      const stock = f.kind === 'view' && f.definition !== null && isStockView(serverVersion, f.schema, f.name, f.definition);
      const j = judge(f, stock);
      if (!stock) code.push(nameOf(f));
      if (j.given) given.add(j.given);
      if (j.calls) for (const c of j.calls) calls.add(c);
      else unread.push(nameOf(f));
      next.push(...j.next.map((r) => ({ r, via: [nameOf(f), ...f.via] })));
    }
    asked = next;
  }
  return { given: [...given], code, calls: [...calls], unread, definitions };
}

/** One object as the server showed it: its kind, exact name and code (none: not shown to this account). */
const definitionOf = (f: Found): string => JSON.stringify([f.kind, f.schema, f.name, f.definition]);

/** What a read reaches: `given`, the phrases of the secrets; `code`, the views and routines someone created that
 *  it runs (their definitions may change once a failed statement lets go of them); `calls`, the names their
 *  definitions call unqualified (db/mysql-loadable-functions.ts); `unread`, the code whose calls are not known;
 *  `definitions`, every view and routine it reaches as the server showed it, in the order it was asked about
 *  (compared before and after the statement: db/mysql-code-swap.ts). */
export interface Reach { given: string[]; code: string[]; calls: string[]; unread: string[]; definitions: string[] }

/** A failed read's error, when the read ran code someone created: a failed statement holds nothing, so a definition
 *  swapped in for the statement and back before the second question would go unseen, and its error (a SIGNAL's
 *  message) may carry what it read. Given, naming the code; the live view still shows it. */
export const failedThroughCode = (code: string[]): string[] => (code.length
  ? [`the error of a read that ran ${code.slice(0, 3).join(', ')}${code.length > 3 ? ', …' : ''} (a failed statement holds nothing, so the code that raised it is not known; it may carry the server's stored passwords)`]
  : []);

/** The views and routines among the asked names, views with their definitions; each carries what led to it. */
async function lookUp(ask: Ask, asked: { r: MysqlRelation; via: string[] }[]): Promise<Found[]> {
  const q = objectsQuery(asked.map((a) => a.r));
  const rows = await ask(q.sql, q.values);
  const viaOf = (schema: string, name: string): string[] => asked.find(({ r: [s, n] }) =>
    n.toLowerCase() === name.toLowerCase() && (s === undefined || s.toLowerCase() === schema.toLowerCase()))?.via ?? [];
  const found = rows.map((row): Found => {
    const schema = String(row.s);
    const name = String(row.n);
    return { kind: row.k === 'view' ? 'view' : 'routine', schema, name, definition: typeof row.d === 'string' ? row.d : null, via: viaOf(schema, name) };
  });
  const views = found.filter((f) => f.kind === 'view');
  if (!views.length) return found;
  const q2 = definitionsQuery(views);
  const definitions = await ask(q2.sql, q2.values);
  for (const v of views) {
    const d = definitions.find((r) => String(r.s) === v.schema && String(r.n) === v.name)?.d;
    v.definition = typeof d === 'string' ? d : null;
  }
  return found;
}
