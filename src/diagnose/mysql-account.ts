// The MariaDB/MySQL account's own options (MAX_USER_CONNECTIONS, MAX_STATEMENT_TIME): SHOW CREATE USER is the one
// statement that names them for the account the server matched, and an account may read its own. Read once per
// diagnosis and shared by the checks that need it.
import type { ProbeRunner } from './probe-runner.js';

const MY_ACCOUNT = 'SHOW CREATE USER CURRENT_USER';
const read = new WeakMap<ProbeRunner, Promise<string>>();

/** The text of SHOW CREATE USER for the current account; empty when it cannot be read. */
export function accountDefinition(runner: ProbeRunner): Promise<string> {
  let text = read.get(runner);
  if (!text) {
    text = runner.sql(MY_ACCOUNT).then((r) => Object.values(r.rows?.[0] ?? {}).map(String).join(' '));
    read.set(runner, text);
  }
  return text;
}

/** A numeric account option (`MAX_USER_CONNECTIONS 3`) in that text; 0 when it is not set. */
export function accountOption(definition: string, option: string): number {
  const m = new RegExp(`${option}\\s+(-?[\\d.]+)`, 'i').exec(definition);
  return m ? Number(m[1]) : 0;
}
