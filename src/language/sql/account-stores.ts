// Where a server keeps the passwords its accounts log in with. The engine's login password (a secret of the run:
// the URL's, ~/.pgpass's) never comes back as itself, but the server keeps a verifier of it and shows that to
// whoever reads where it is kept: MariaDB's SHOW GRANTS and SHOW CREATE USER print the session's own account's
// `*SHA1(SHA1(password))` to the account itself, no privilege needed (a probe of stop 76 found it, whole, in the
// transcript of a proven read, dry run too; unsalted, a short password comes back from it by guessing);
// mysql.user, mysql.global_priv and mysql.servers hold every account's (and a FEDERATED server's password in
// clear); PostgreSQL's pg_authid and pg_shadow hold rolpassword (an md5 verifier logs in as the role; a SCRAM one
// can be guessed at offline), pg_user_mapping(s), information_schema.user_mapping_options and pg_subscription
// other servers' passwords in clear. A step whose statement reads one of them is a step given a secret: what it
// returns is withheld (secrets/step-taint.ts).
//
// By the engine's own reading of the text (the relations its classifier asks about, the statement's first words),
// closed as mysqlRelations is: every name that may be a relation is one. MariaDB's tables also hold what the
// built-in auth runbook reads (an account's hosts, its lock), so there a read is given only when it can reach a
// column that holds a password (`*`, or a column of that name, in any case); PostgreSQL's are read whole.
import { lexMysql } from './mysql-lexer.js';
import { serverReadings } from './mysql-classify.js';
import { mysqlRelations } from './mysql-relations.js';
import { mysqlTokens, type Token } from './mysql-tokens.js';
import { pgReferences } from './pg-references.js';
import { asciiUpper } from './ascii-case.js';
import type { SqlEngine } from './verdict.js';
import { rememberedByText } from '../../common/remembered.js';

export const PG_STORES: ReadonlySet<string> = new Set(['pg_authid', 'pg_shadow', 'pg_user_mapping', 'pg_user_mappings', 'pg_subscription']);
/** information_schema's: user_mapping_options shows a user mapping's password to its user, in clear. */
export const PG_SCHEMA_STORES: ReadonlySet<string> = new Set(['user_mapping_options', '_pg_user_mappings']);
const MYSQL_STORES = new Set(['USER', 'GLOBAL_PRIV', 'SERVERS', 'SLAVE_MASTER_INFO']);
/** The columns of MYSQL_STORES that hold a password or its verifier (Priv: global_priv's JSON, which holds it). */
const MYSQL_PASSWORD_COLUMNS = new Set(['AUTHENTICATION_STRING', 'PASSWORD', 'PRIV', 'USER_PASSWORD']);
/** SHOW forms that print an account's verifier (`IDENTIFIED BY PASSWORD '*…'`, `IDENTIFIED VIA … USING '…'`). */
const MYSQL_SHOWS_VERIFIERS = [['SHOW', 'GRANTS'], ['SHOW', 'CREATE', 'USER']];

/**
 * What of the server's password store the text reads, as a phrase for the step's "given" list; undefined when it
 * reads none.
 */
export function accountStoreRead(text: string, engine: SqlEngine): string | undefined {
  return engine === 'postgres' ? pgStoreReadOf(text) : mysqlStoreReadOf(text);
}

/** Each text's answer: a loop prepares the same statement for every item, and MariaDB's reading of it (every
 *  executable-comment reading, lexed and tokenised) cost ~0.3 ms an item against a 1 ms target. */
const pgStoreReadOf = rememberedByText(pgStoreRead);
const mysqlStoreReadOf = rememberedByText(mysqlStoreRead);

const phrase = (what: string) => `the server's stored passwords, by ${what}`;

function pgStoreRead(text: string): string | undefined {
  const refs = pgReferences(text);
  if (!refs) return undefined; // the parser refused it, and the classifier with it: nothing runs
  // [name], [schema, name] or [database, schema, name]: pg_catalog is first on every read's path.
  const hit = refs.relations.find((r) => (PG_STORES.has(r.at(-1)!) && (r.length === 1 || r.at(-2) === 'pg_catalog'))
    || (PG_SCHEMA_STORES.has(r.at(-1)!) && (r.length === 1 || r.at(-2) === 'information_schema')));
  return hit ? phrase(`reading ${hit.join('.')}`) : undefined;
}

function mysqlStoreRead(text: string): string | undefined {
  const perStatement = mysqlStatements(text).map((s) => mysqlTokens(s) ?? []);
  const tokens = perStatement.flat();
  for (const statement of perStatement) {
    const w = statement.map((t) => asciiUpper(t.text));
    const show = MYSQL_SHOWS_VERIFIERS.find((form) => form.every((f, i) => w[i] === f));
    if (show) return phrase(show.join(' '));
  }
  // A name without its database is read as the server's store in any session: a gated `USE mysql` moves the
  // session there, and the reset before the next read keeps it (a URL naming app_db read mysql.user so).
  const store = (mysqlRelations(text) ?? []).find(([schema, name]) => MYSQL_STORES.has(asciiUpper(name))
    && (schema === undefined || asciiUpper(schema) === 'MYSQL'));
  if (!store) return undefined;
  const at = tokens.findIndex((t, i) => selectsAll(tokens, i) || (passwordColumn(t) && !lockField(tokens, i)));
  if (at < 0) return undefined;
  return phrase(`reading ${store.filter(Boolean).join('.')}'s ${tokens[at]!.text === '*' ? 'every column' : tokens[at]!.text}`);
}

const passwordColumn = (t: Token) => t.kind === 'name' && MYSQL_PASSWORD_COLUMNS.has(asciiUpper(t.text));

/** A `*` that selects every column (`SELECT *`, `t.*`, `SELECT DISTINCT *`, `a, *`), not one that multiplies
 *  (after a value: a number, a string, a name, a `)`) nor COUNT(*). */
function selectsAll(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  if (t.kind !== 'mark' || t.text !== '*') return false;
  const before = tokens[i - 1];
  if (!before) return true;
  if (before.kind === 'mark') return before.text === '.' || before.text === ',';
  return before.kind === 'name' && before.keyword === true && !before.quoted;
}

/** The fields of global_priv's Priv that say how an account may log in, not with what: reviewed, numbers and
 *  flags (what the built-in auth runbook reads). The password's verifier is `authentication_string` and `auth_or`. */
const LOCK_FIELDS = new Set(['$.account_locked', '$.password_lifetime', '$.password_last_changed']);

/** `JSON_VALUE(Priv, '$.account_locked')`: Priv read at one reviewed field. */
function lockField(tokens: Token[], i: number): boolean {
  const [call, open, , comma, path, close] = tokens.slice(i - 2, i + 4);
  return asciiUpper(tokens[i]!.text) === 'PRIV' && call?.kind === 'name' && asciiUpper(call.text) === 'JSON_VALUE' && open?.text === '('
    && comma?.text === ',' && path?.kind === 'string' && LOCK_FIELDS.has(path.text) && close?.text === ')';
}

/** The statements of every server reading of the text (executable comments kept or skipped per flavour and
 *  version, as the classifier reads it); the text itself when it cannot be lexed (nothing runs then). */
export function mysqlStatements(text: string): string[] {
  const all = lexMysql(text, true);
  const readings = all.error ? undefined : serverReadings(all.conditions);
  if (!readings) return [text];
  return readings.flatMap((keep) => {
    const lexed = lexMysql(text, true, keep);
    return lexed.error ? [text] : lexed.statements;
  });
}
