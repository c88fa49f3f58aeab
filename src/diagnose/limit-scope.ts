// Whose connection limit refused the login (issue #48): the server's (max_connections), or one role's, database's
// or account's own. The servers send one code for several (PostgreSQL 53300 for all three; MariaDB 1203 and 1226
// for an account), so the error's text names the scope. A role at its own limit is not a full server: the
// server may have most slots free, and raising max_connections does nothing for it.
import type { Check } from './types.js';

export type LimitScope = 'server' | 'role' | 'database' | 'account';

const SCOPES: [RegExp, LimitScope][] = [
  [/too many connections for role "([^"]*)"/i, 'role'],
  [/too many connections for database "([^"]*)"/i, 'database'],
  [/User '?([^' ]*)'? (?:already has more than|has exceeded the) 'max_user_connections'/i, 'account'],
];

/** The scope of a too-many-connections failure read from its text, and whose limit it is; the server's for any other text. */
function limitScope(check: Check): { scope: LimitScope; name?: string } {
  for (const [re, scope] of SCOPES) {
    const m = re.exec(check.summary);
    if (m) return { scope, ...(m[1] ? { name: m[1] } : {}) };
  }
  return { scope: 'server' };
}

/** A too-many-connections check with its scope recorded (details.limitScope, limitOf); any other check as it is. */
export function withLimitScope(check: Check): Check {
  if (check.classification !== 'too-many-connections') return check;
  const limit = limitScope(check);
  return { ...check, details: { ...check.details, limitScope: limit.scope, ...(limit.name ? { limitOf: limit.name } : {}) } };
}

/** The finding of a check withLimitScope read: the limit it names, unless it is the server's (the class says that). */
export function limitFinding(check: Check): string | undefined {
  const scope = check.details?.limitScope as LimitScope | undefined;
  return scope && scope !== 'server' ? findingFor(scope, String(check.details?.limitOf ?? '')) : undefined;
}

function findingFor(scope: LimitScope, name: string): string {
  const own = scope === 'role' ? `role ${name}'s own CONNECTION LIMIT (ALTER ROLE "${name}" CONNECTION LIMIT <n>)`
    : scope === 'database' ? `database ${name}'s own CONNECTION LIMIT (ALTER DATABASE "${name}" CONNECTION LIMIT <n>)`
      : `account ${name}'s own limit (MAX_USER_CONNECTIONS, or the global max_user_connections)`;
  return `The login was refused by ${own}, not by the server's max_connections: the server may have free slots, and raising max_connections does nothing. `
    + 'Find that login\'s sessions (a leak, a pool sized above the limit), or raise its limit; pool-exhausted\'s role-limit step names it.';
}
