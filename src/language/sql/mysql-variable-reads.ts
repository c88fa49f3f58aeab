// What of the server's variables a MySQL/MariaDB text reads that may hold a password. MariaDB shows every variable
// to every account, report_password (a replica's password to its primary) and a wsrep_sst_auth given at startup
// in clear: `SELECT @@report_password`, `SHOW VARIABLES` (a proven read, no privilege) printed it (a probe of stop
// 78). An allowlist, as pg-setting-reads.ts is: a variable read by name is given unless it is one the server lists
// holding no password (mysql-shown-variables.ts); `SHOW VARIABLES` unless its LIKE names one such variable, no
// wildcard; the relations that list every variable's value are read whole.
import { mysqlStatements as statements } from './account-stores.js';
import { mysqlRelations } from './mysql-relations.js';
import { mysqlTokens, type Token } from './mysql-tokens.js';
import { asciiUpper } from './ascii-case.js';
import { MARIADB_SHOWN_VARIABLES } from './mysql-shown-variables.js';
import { rememberedByText } from '../../common/remembered.js';

/** Relations holding every variable's value: information_schema's and performance_schema's (MySQL's too). */
const VALUE_RELATIONS: Record<string, Set<string>> = {
  INFORMATION_SCHEMA: new Set(['GLOBAL_VARIABLES', 'SESSION_VARIABLES', 'SYSTEM_VARIABLES']),
  PERFORMANCE_SCHEMA: new Set(['GLOBAL_VARIABLES', 'SESSION_VARIABLES', 'VARIABLES_BY_THREAD', 'PERSISTED_VARIABLES']),
};
/** The scope words of `@@global.name`. */
const SCOPES = new Set(['GLOBAL', 'SESSION', 'LOCAL']);

const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const shown = (name: string) => MARIADB_SHOWN_VARIABLES.has(lower(name));
const phrase = (what: string) => `the server's variables that may hold a password, by ${what}`;

/** How the text reads a variable that may hold a password, as a phrase for the step's "given" list; undefined
 *  when it reads none. Each text's answer is remembered (account-stores.ts's reason). */
export const mysqlVariableRead = rememberedByText(variableRead);

function variableRead(text: string): string | undefined {
  for (const statement of statements(text)) {
    const tokens = mysqlTokens(statement);
    if (!tokens) continue; // an open quote: the classifier refuses it, and nothing runs
    const read = showVariables(tokens) ?? named(tokens);
    if (read) return read;
  }
  // A name without its schema counts in any session (a gated `USE information_schema` stays), as account-stores.ts.
  const relation = (mysqlRelations(text) ?? []).find(([schema, name]) => (schema === undefined
    ? Object.values(VALUE_RELATIONS).some((names) => names.has(asciiUpper(name)))
    : VALUE_RELATIONS[asciiUpper(schema)]?.has(asciiUpper(name))));
  return relation ? phrase(`reading ${relation.filter(Boolean).join('.')}`) : undefined;
}

/** `@@name`, `@@global.name`: the first variable not listed. */
function named(tokens: Token[]): string | undefined {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i]!.text !== '@' || tokens[i]!.kind !== 'mark' || tokens[i + 1]!.text !== '@' || tokens[i + 1]!.kind !== 'mark') continue;
    let at = i + 2;
    const first = tokens[at]!;
    if (first.kind === 'name' && !first.quoted && SCOPES.has(asciiUpper(first.text)) && tokens[at + 1]?.text === '.' && tokens[at + 1]?.kind === 'mark') at += 2;
    const name = tokens[at];
    if (!name || name.kind !== 'name') return phrase('reading a variable the engine cannot name');
    if (!shown(name.text)) return phrase(`reading @@${name.text}`);
    i = at;
  }
  return undefined;
}

/** `SHOW [GLOBAL|SESSION|LOCAL] VARIABLES`: given unless `LIKE '<a listed name>'` (no `%`; `\_` read as `_`) or
 *  `WHERE Variable_name = '<listed>'` / `IN ('<listed>', …)` (the built-in auth runbook's). */
function showVariables(tokens: Token[]): string | undefined {
  const w = tokens.map((t) => (t.kind === 'name' && !t.quoted ? asciiUpper(t.text) : ''));
  if (w[0] !== 'SHOW') return undefined;
  const at = SCOPES.has(w[1]!) ? 2 : 1;
  if (w[at] !== 'VARIABLES') return undefined;
  const rest = tokens.slice(at + 1);
  const pattern = rest.length === 2 && w[at + 1] === 'LIKE' && rest[1]!.kind === 'string' ? rest[1]!.text.replaceAll('\\_', '_') : undefined;
  if (pattern !== undefined && !pattern.includes('%') && !pattern.includes('\\') && shown(pattern)) return undefined;
  const names = whereNames(rest);
  if (names?.length && names.every(shown)) return undefined;
  return phrase('SHOW VARIABLES');
}

/** The names of `WHERE Variable_name = 'a'` or `WHERE Variable_name IN ('a', 'b')`, and nothing else; undefined
 *  for any other WHERE. */
function whereNames(rest: Token[]): string[] | undefined {
  const [where, column, op, ...values] = rest;
  if (!where || where.kind !== 'name' || where.quoted || asciiUpper(where.text) !== 'WHERE') return undefined;
  if (!column || column.kind !== 'name' || asciiUpper(column.text) !== 'VARIABLE_NAME' || !op) return undefined;
  if (op.kind === 'mark' && op.text === '=') return values.length === 1 && values[0]!.kind === 'string' ? [values[0]!.text] : undefined;
  if (op.kind !== 'name' || op.quoted || asciiUpper(op.text) !== 'IN') return undefined;
  const open = values[0];
  const close = values.at(-1);
  if (open?.text !== '(' || open.kind !== 'mark' || close?.text !== ')' || close.kind !== 'mark') return undefined;
  const inside = values.slice(1, -1);
  const strings = inside.filter((_, i) => i % 2 === 0);
  const commas = inside.filter((_, i) => i % 2 === 1);
  if (!strings.length || strings.some((t) => t.kind !== 'string') || commas.some((t) => t.kind !== 'mark' || t.text !== ',') || inside.length % 2 === 0) return undefined;
  return strings.map((t) => t.text);
}
