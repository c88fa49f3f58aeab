// Which variables of the engine's environment a shell step does not inherit: the ones that carry database
// credentials. A step that needs one names it in its own `env:` (its value then comes from the runbook, usually
// a secret input), so every credential a script holds is one the runbook author gave it on purpose.

/** Read by libpq, mysql/mariadb clients and the usual application conventions. */
export const CREDENTIAL_VARS: readonly string[] = [
  'DATABASE_URL', 'ADMIN_DATABASE_URL', 'APP_DATABASE_URL',
  'PGPASSWORD', 'PGPASSFILE', 'PGSERVICEFILE', 'PGSSLKEY', 'PGSSLPASSWORD',
  'MYSQL_PWD', 'MYSQL_TEST_LOGIN_FILE',
  'RUNBOOK_STORE', // the team store (docs/team.md): its URL may carry a password; no step needs it
  'RUNBOOK_SIGNING_KEY', // the driver's key for signing its runs (docs/team.md): a step must not sign with it
];

/** Other spellings of the same thing: FOO_DATABASE_URL, DB_PASSWORD, MARIADB_ROOT_PASSWORD, POSTGRES_PASSWD. */
const CREDENTIAL_NAME = /(^|_)(DATABASE_URL|PASSWORD|PASSWD)$/i;

export function isCredentialVar(name: string): boolean {
  return CREDENTIAL_VARS.includes(name) || CREDENTIAL_NAME.test(name);
}

/** `base` without credential variables and without `withheld` (the runbook's inputs' variables). */
export function inheritedEnv(base: NodeJS.ProcessEnv, withheld: readonly string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (!isCredentialVar(name) && !withheld.includes(name)) out[name] = value;
  }
  return out;
}

/** What the engine's own helper processes get (flock, the sandbox check, closing an SSH master): they run no
 *  script of anyone's, so they need no variable beyond these, and get no credential or input variable. */
const TOOL_VARS = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TMPDIR', 'TZ', 'TERM'];

export function toolEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(inheritedEnv(base, []))) {
    if (TOOL_VARS.includes(name) || name.startsWith('LC_')) out[name] = value;
  }
  return out;
}

/** The lab's servers and their setup tools (runbook demo, the tests): the engine's environment without its
 *  credential variables; they read none, and a server would hold them for its whole life. */
export function labEnv(): NodeJS.ProcessEnv {
  return inheritedEnv(process.env, []);
}
