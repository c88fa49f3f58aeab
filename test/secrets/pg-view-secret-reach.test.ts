// A hostile database owner's views over PostgreSQL's secrets (a gap stop 77 left): `CREATE VIEW conn AS SELECT
// reverse(current_setting('primary_conninfo'))`, a view of pg_authid under a harmless name, a materialized view
// that stored a password when it was refreshed, nested views, a view named like a catalog in another schema.
// The text names only the view, so the text's reading gives the step nothing; every function the view runs is
// PostgreSQL's own and reads only, so the code check passes it. Now the server's own resolution, in the read's
// transaction, says what the views reach (db/pg-secret-reach.ts), and the step is given that secret: nothing of
// it on the screen or in the transcript, dry run or real. Generated views (seed 78) over five secrets (a
// setting's password, a role's password verifier, a user mapping's password, a role's own setting, a
// placeholder), in five wrappers and five containers; read by plain SELECTs. Beside them, direct reads the text
// alone now gives (information_schema.user_mapping_options, pg_roles' rolconfig), and reads that stay shown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { assertNothingOf, finished, runRealAndDry } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;

const CONNINFO_PW = 'Zq7connPw9x';
const VERIFIER = 'a3f09b1c7d2e4f5a6b7c8d9e0f1a2b3c'; // victim's md5 verifier: md5 + 32 hex digits
const MAPPING_PW = 'Um5mapPw2q';
const ROLE_SETTING = 'Rc6roleTok1';
const PLACEHOLDER = 'Tk8placeTok';
const SECRETS = [CONNINFO_PW, VERIFIER, MAPPING_PW, ROLE_SETTING, PLACEHOLDER];

/** What each secret is read from, as a view's query would. */
const SOURCES = [
  "SELECT current_setting('primary_conninfo') AS v",
  "SELECT setting AS v FROM pg_settings WHERE name = 'primary_conninfo'",
  "SELECT rolpassword AS v FROM pg_authid WHERE rolname = 'victim'",
  'SELECT option_value AS v FROM information_schema.user_mapping_options',
  "SELECT rolconfig::text AS v FROM pg_roles WHERE rolname = 'victim'",
  "SELECT current_setting('app.tok') AS v",
];
const WRAPS = [(e: string) => e, (e: string) => `upper(${e})`, (e: string) => `reverse(${e})`, (e: string) => `lower(${e})`, (e: string) => `substr(${e}, 1)`];

interface Planted { ddl: string[]; read: string }

/** A view (or a chain of them) named `name` whose rows are the source's, wrapped. */
function planted(next: () => number, i: number): Planted {
  const source = pick(next, SOURCES);
  const inner = `SELECT ${pick(next, WRAPS)('s.v')} AS v FROM (${source}) s`;
  const name = pick(next, ['accounts', 'status', 'pg_settings', 'conn', 'health']) + `_${i}`;
  const schema = pick(next, ['public', 'app']);
  const q = `${schema}.${name}`;
  const container = pick(next, ['view', 'matview', 'nested', 'twin', 'joined'] as const);
  if (container === 'view') return { ddl: [`CREATE VIEW ${q} AS ${inner}`], read: `SELECT * FROM ${q}` };
  if (container === 'matview') return { ddl: [`CREATE MATERIALIZED VIEW ${q} AS ${inner}`], read: `SELECT v FROM ${q}` };
  if (container === 'nested') {
    return { ddl: [`CREATE VIEW ${q}_a AS ${inner}`, `CREATE VIEW ${q}_b AS SELECT v FROM ${q}_a`, `CREATE VIEW ${q} AS SELECT upper(v) AS v FROM ${q}_b`], read: `SELECT v FROM ${q}` };
  }
  // A view named like PostgreSQL's own, in another schema: the text names that schema.
  if (container === 'twin') return { ddl: [`CREATE VIEW ${schema}.pg_roles_${i} AS ${inner}`], read: `SELECT * FROM ${schema}.pg_roles_${i}` };
  return { ddl: [`CREATE VIEW ${q} AS ${inner}`], read: `SELECT t.n, x.v FROM app.plain t CROSS JOIN ${q} x` };
}

/** Read directly: the text alone gives the step the secret. */
const DIRECT = [
  'SELECT * FROM information_schema.user_mapping_options',
  "SELECT rolname, rolconfig FROM pg_roles WHERE rolname = 'victim'",
  "SELECT to_json(r) AS v FROM pg_catalog.pg_roles r WHERE r.rolname = 'victim'",
  "SELECT usename, reverse(useconfig::text) AS v FROM pg_user WHERE usename = 'victim'",
  "SELECT * FROM pg_roles WHERE rolname = 'victim'",
];

/** Reads that reach no secret: shown. */
const SHOWN = [
  'SELECT n FROM app.plain ORDER BY n',
  'SELECT * FROM app.plain_view',
  "SELECT rolname, rolconnlimit, rolcanlogin FROM pg_roles WHERE rolname = 'victim'",
  "SELECT r.rolname, count(a.pid) AS sessions FROM pg_roles r LEFT JOIN pg_stat_activity a ON a.usename = r.rolname WHERE r.rolname = 'victim' GROUP BY r.rolname",
  "SELECT name, setting FROM pg_settings WHERE name = 'max_connections'",
];

function runbook(url: string, queries: string[]): string {
  const lines = ['name: views', 'title: A hostile owner\'s views', 'connections:', `  db: { url: ${JSON.stringify(url)} }`, 'steps:'];
  queries.forEach((q, i) => lines.push(`  - id: r${i}`, `    sql: { query: ${JSON.stringify(q)} }`, `    next: ${i + 1 < queries.length ? `r${i + 1}` : 'done'}`, `    on: { error: ${i + 1 < queries.length ? `r${i + 1}` : 'done'} }`));
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}


describe('secrets a hostile owner\'s views reach', () => {
  let server: LabServer;
  const views: Planted[] = [];
  before(async () => {
    server = await startPostgres({ postgresVersion: '18' });
    await adminQuery(server, `ALTER SYSTEM SET primary_conninfo = 'postgresql://repl:${CONNINFO_PW}@10.9.9.9/postgres'`);
    await adminQuery(server, `ALTER SYSTEM SET app.tok = '${PLACEHOLDER}'`);
    await adminQuery(server, 'SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 500));
    await adminQuery(server, `CREATE ROLE victim LOGIN PASSWORD 'md5${VERIFIER}'`);
    await adminQuery(server, `ALTER ROLE victim SET app.tok = '${ROLE_SETTING}'`);
    await adminQuery(server, 'CREATE FOREIGN DATA WRAPPER w');
    await adminQuery(server, 'CREATE SERVER s FOREIGN DATA WRAPPER w');
    await adminQuery(server, `CREATE USER MAPPING FOR PUBLIC SERVER s OPTIONS (password '${MAPPING_PW}')`);
    await adminQuery(server, 'CREATE SCHEMA app');
    await adminQuery(server, 'CREATE TABLE app.plain (n int); INSERT INTO app.plain VALUES (1), (2)');
    await adminQuery(server, 'CREATE VIEW app.plain_view AS SELECT n, upper(n::text) AS t FROM app.plain');
    const next = rng(78);
    for (let i = 0; i < 40; i++) views.push(planted(next, i));
    for (const v of views) for (const ddl of v.ddl) await adminQuery(server, ddl);
  });
  after(async () => { await server?.stop(); });

  it('40 generated views (seed 78) and the direct reads: nothing of the secrets shown or recorded, dry and real; the rest shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
    const seen = await adminQuery(server, `SELECT v FROM (${SOURCES[2]}) s`);
    assert.equal(String(seen[0]?.v), `md5${VERIFIER}`, 'the verifier was planted');
    const queries = [...views.map((v) => v.read), ...DIRECT, ...SHOWN];
    const dir = scratch(t);
    const file = writeRunbook(dir, 'views', runbook(server.adminUrl(), queries));
    await runRealAndDry(dir, file, (dry, r, recorded) => {
      assertNothingOf(SECRETS, r, recorded, dry);
      const given = queries.slice(0, views.length + DIRECT.length).map((q, i) => [q, finished(recorded, `r${i}`)] as const);
      assert.deepEqual(given.filter(([, f]) => f?.status !== 'ok').map(([q, f]) => `${q}: ${f?.error}`), [], `every read ran (${dry ? 'dry' : 'real'})`);
      assert.deepEqual(given.filter(([, f]) => f?.withheld === undefined).map(([q]) => q), [], `every read of a secret is withheld (${dry ? 'dry' : 'real'})`);
      // The record says which relation reached what, by the server's names.
      const viaView = given.slice(0, views.length).map(([q, f], i) => [q, i, f?.withheld?.because?.join(' ') ?? ''] as const);
      assert.deepEqual(viaView.filter(([, i, b]) => !new RegExp(`(through|in) (app\\.)?[a-z_]+_${i}(_a|_b)?\\b`).test(b)), [], 'each names the view');
      SHOWN.forEach((q, j) => {
        const f = finished(recorded, `r${views.length + DIRECT.length + j}`);
        assert.equal(f?.status, 'ok', q);
        assert.equal(f?.withheld, undefined, `${q} is shown`);
      });
    });
  });

  it('a vouched read of a view whose operator someone made of current_setting: withheld', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    await adminQuery(server, "CREATE OPERATOR app.### (RIGHTARG = text, FUNCTION = pg_catalog.current_setting); CREATE VIEW app.by_operator AS SELECT reverse(OPERATOR(app.###) 'primary_conninfo'::text) AS v");
    const dir = scratch(t);
    const yaml = runbook(server.adminUrl(), ['SELECT v FROM app.by_operator']).replace('    sql:', "    destructive: false\n    safe_because: the operator's code is reviewed\n    sql:");
    const file = writeRunbook(dir, 'op', yaml);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--transcript', transcript], { cwd: dir });
    const f = finished(readFileSync(transcript, 'utf8'), 'r0');
    assert.equal(f?.status, 'ok', r.stdout + r.stderr);
    assert.ok(f?.withheld?.because?.some((b) => b.includes('current_setting')), JSON.stringify(f));
    for (const out of [r.stdout, r.stderr, readFileSync(transcript, 'utf8')]) assert.ok(!out.includes([...CONNINFO_PW].reverse().join('')), 'the password is nowhere');
  });

  it('a view\'s statement that fails with the secret in its error: the error is withheld too', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    await adminQuery(server, "CREATE VIEW app.as_number AS SELECT current_setting('primary_conninfo')::int AS v");
    const dir = scratch(t);
    const file = writeRunbook(dir, 'err', runbook(server.adminUrl(), ['SELECT v FROM app.as_number']));
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--transcript', transcript], { cwd: dir });
    const recorded = readFileSync(transcript, 'utf8');
    const f = finished(recorded, 'r0');
    assert.equal(f?.status, 'failed', r.stdout + r.stderr);
    assert.ok(f?.withheld?.because?.some((b) => b.includes('current_setting')), JSON.stringify(f));
    for (const out of [r.stdout, r.stderr, recorded]) assert.ok(!out.includes(CONNINFO_PW), 'the password is nowhere');
  });
});
