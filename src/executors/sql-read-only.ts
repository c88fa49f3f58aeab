// A step that is not destructive runs SQL only when that SQL is proven read-only on the engine the run
// actually reached (the lint may have read a plain-string query as the other engine), or when the step
// vouches for it with `safe_because`; and never more than one statement. The session then runs it in a
// read-only transaction (db/), which refuses whatever write is left.
import { CANNOT_VOUCH, classifySql } from '../language/sql/index.js';
import { engineOfScheme, type Engine } from '../db/url.js';
import { errorLine } from './outcome.js';
import type { Classification, SqlAction } from './types.js';

// The URL's scheme: mysql:// may reach MariaDB and mariadb:// MySQL.
const NAME: Record<Engine, string> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB', mariadb: 'MariaDB/MySQL' };

/** Why the step may not run its SQL, as the step's error; undefined when it may. */
export function readOnlyRefusal(action: SqlAction, engine: Engine, stepId: string): string | undefined {
  const v = classifySql(action.query, engine === 'postgres' ? 'postgres' : 'mysql');
  if (v.statements > 1) return `not read-only: step ${stepId} has ${v.statements} SQL statements; a step that is not destructive runs exactly one`;
  if (v.readOnly || (action.vouched && !v.acts)) return undefined;
  const vouch = v.acts && action.vouched ? ` (${CANNOT_VOUCH})` : '';
  return `not read-only: step ${stepId} ${v.why ?? 'cannot be proven read-only'} (on ${NAME[engine]}); mark it 'destructive: true' so the operator confirms it${vouch}`;
}

/** SQL a dry run may run: proven read-only on the engine of its URL (a vouched-for step is shown instead). */
export function provenReadOnly(action: SqlAction): boolean {
  const engine = engineOfScheme(action.url);
  if (!action.readOnly || !engine) return false;
  const v = classifySql(action.query, engine === 'postgres' ? 'postgres' : 'mysql');
  return v.readOnly && v.statements <= 1;
}

/**
 * The server refused what a read-only step sent: a write in the read-only transaction (classified
 * not-read-only), or a second statement through PostgreSQL's extended protocol (42601, which is also any
 * syntax error, so the server's words decide; a server with translated messages shows its own error).
 * Undefined for any other error.
 */
export function serverRefusal(stepId: string, readOnly: boolean, classification: Classification, err: unknown): string | undefined {
  if (!readOnly) return undefined;
  const said = errorLine(err, (s) => s);
  // PgBouncer's admin console: the session refused a command other than SHOW <word> before sending it.
  // The session would not run it as a read: a setting it could not pin, or code the server resolves that may act.
  if ((err as { name?: unknown }).name === 'PinRefusal') return `not read-only: step ${stepId}: ${said}; mark it 'destructive: true' so the operator confirms it`;
  if ((err as { name?: unknown }).name === 'ConsoleRefusal') return `not read-only: step ${stepId}: ${said}; mark it 'destructive: true' so the operator confirms it`;
  if (classification === 'not-read-only') return `not read-only: step ${stepId} tried to write (${said})`;
  const code = (err as { code?: unknown }).code;
  if (code === '42601' && /multiple commands/i.test(said)) return `not read-only: step ${stepId} sent more than one statement (${said})`;
  return undefined;
}
