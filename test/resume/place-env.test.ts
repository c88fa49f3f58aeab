// A resume compares the whole environment a step may be given (issue #46), not the spellings of a server the
// engine knows: generated environments (fixed seed) with targets written every way an author might (libpq keyword
// strings, jdbc: URLs, a host or port alone under any name, paths to client config files, HOME and PATH), each
// changed, added or removed in turn. Every such difference is refused naming the variable and never its value;
// the operator's session alone (terminal, SSH link, locale) and a URL's password alone are no difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../helpers/rng.js';
import { placeChanges, placeOf, SHOWN_SERVER_VARIABLES } from '../../src/resume/place.js';
import { isSessionVariable } from '../../src/common/session-env.js';

const SEED = 4646;
const TRIALS = 3000;

type Pick = <T>(xs: readonly T[]) => T;

/** A value naming a server, or anything else a step could act on, in a random spelling. */
function targetValue(pick: Pick, n: () => number): string {
  const host = pick(['db-a.internal', 'db-b.internal', '10.0.0.7', '127.0.0.1', 'orders.prod', '[::1]']);
  const port = String(1024 + Math.floor(n() * 60000));
  const db = pick(['orders', 'billing', 'app', 'x']) + Math.floor(n() * 1000);
  const secret = `pw${Math.floor(n() * 1e12).toString(36)}Z`;
  return pick([
    () => `host=${host} port=${port} dbname=${db} user=app password=${secret}`,
    () => `jdbc:postgresql://${host}:${port}/${db}?user=app&password=${secret}`,
    () => `jdbc:mysql://${host}:${port}/${db}`,
    () => `${host}:${port}`,
    () => host + db,
    () => `/etc/${db}/pg_service.conf`,
    () => `/home/op${db}/.my.cnf`,
    () => `Server=${host};Port=${port};Database=${db};Uid=app;Pwd=${secret};`,
    () => `redis://:${secret}@${host}:${port}/0`,
    () => `${secret}${port}`,
  ])();
}

const NAMES = ['ORDERS_DSN', 'ORDERS_HOST', 'DB', 'TARGET', 'JDBC_URL', 'CONN', 'HOME', 'PATH', 'USER', 'PGSERVICE',
  'PGHOST', 'MYSQL_HOST', 'SERVICE_FILE', 'MY_CNF', 'x', 'billing_db', 'LD_PRELOAD', 'KUBECONFIG', 'AWS_PROFILE'];
const SESSION = ['TERM', 'COLUMNS', 'SSH_CONNECTION', 'SSH_AUTH_SOCK', 'TMUX', 'LANG', 'LC_ALL', 'DISPLAY', 'SHLVL', 'npm_config_cache'];

function environment(r: () => number, pick: Pick): Record<string, string> {
  const env: Record<string, string> = {};
  const count = 1 + Math.floor(r() * 8);
  for (let i = 0; i < count; i++) env[`${pick(NAMES)}${r() < 0.3 ? `_${i}` : ''}`] = targetValue(pick, r);
  for (const s of SESSION) if (r() < 0.5) env[s] = `session-${Math.floor(r() * 1e6)}`;
  if (r() < 0.6) env.DATABASE_URL = `postgres://app:pw${Math.floor(r() * 1e9)}@127.0.0.1:${5000 + Math.floor(r() * 100)}/app`;
  return env;
}

/** Whether a refusal may show the variable's value: libpq's and the MySQL client's server variables. */
const shown = (name: string) => SHOWN_SERVER_VARIABLES.has(name);

/** Every value of `env` that is no session variable's, not one shown, and long enough to be told apart from hex. */
const valuesOf = (env: Record<string, string>) => Object.entries(env).filter(([k, v]) => !isSessionVariable(k) && !shown(k) && v.length >= 8).map(([, v]) => v);

test(`${TRIALS} generated environments: any change but the session's is refused by name, never by value`, () => {
  const r = rng(SEED);
  const pick: Pick = (xs) => xs[Math.floor(r() * xs.length)]!;
  const counts = { changed: 0, added: 0, removed: 0, session: 0, password: 0 };
  for (let trial = 0; trial < TRIALS; trial++) {
    const before = environment(r, pick);
    const recorded = placeOf(before, '/w');
    const recordedText = JSON.stringify(recorded);
    for (const v of valuesOf(before).filter((v) => !v.startsWith('postgres://'))) assert.ok(!recordedText.includes(v), `the record holds a value: ${v}`);
    assert.deepEqual(placeChanges(recorded, placeOf(before, '/w', recorded.envDigest!.salt)), [], 'the same environment');

    const after = { ...before };
    const compared = Object.keys(before).filter((k) => !isSessionVariable(k) && k !== 'DATABASE_URL');
    const kind = pick(['changed', 'added', 'removed', 'session', 'password'] as const);
    let name: string | undefined;
    if (kind === 'changed' && compared.length) { name = pick(compared); after[name] = targetValue(pick, r); if (after[name] === before[name]) continue; }
    else if (kind === 'added') { name = `NEW_${trial}_${pick(NAMES)}`; after[name] = targetValue(pick, r); }
    else if (kind === 'removed' && compared.length) { name = pick(compared); delete after[name]; }
    else if (kind === 'session') { for (const s of SESSION) after[s] = `session-other-${trial}`; }
    else if (kind === 'password' && before.DATABASE_URL) { after.DATABASE_URL = before.DATABASE_URL.replace(/:pw\d+@/, ':rotated@'); }
    else continue;
    counts[kind]++;

    const said = placeChanges(recorded, placeOf(after, '/w', recorded.envDigest!.salt));
    if (name === undefined) { assert.deepEqual(said, [], `${kind}: no difference`); continue; }
    assert.equal(said.length, 1, `${kind} ${name}: ${said.join(' | ')}`);
    assert.match(said[0]!, new RegExp(`\\b${name}\\b`), `${kind}: the phrase names ${name}`);
    for (const v of [before[name], after[name]]) if (v && v.length >= 8 && !shown(name)) assert.ok(!said[0]!.includes(v), `${kind} ${name}: the phrase shows a value`);
  }
  for (const [kind, n] of Object.entries(counts)) assert.ok(n > TRIALS / 10, `${kind} tried ${n} times`);
});

test('the session allowlist holds no variable that chooses a program, a file or a server', () => {
  for (const name of ['HOME', 'PATH', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR',
    'LD_PRELOAD', 'LD_LIBRARY_PATH', 'NODE_OPTIONS', 'PGHOST', 'PGSERVICE', 'PGSERVICEFILE', 'PGSYSCONFDIR', 'MYSQL_HOST', 'MYSQL_HOME',
    'KUBECONFIG', 'AWS_PROFILE', 'DOCKER_HOST', 'RUNBOOK_PATH', 'BASH_ENV', 'ENV', 'IFS', 'TZ', 'http_proxy', 'HTTPS_PROXY']) {
    assert.equal(isSessionVariable(name), false, name);
  }
});
