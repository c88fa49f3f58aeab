// Code the server runs for a PostgreSQL read that the text does not hold (a probe of stop 79, the left list of
// stop 78): a row-level security policy that chooses rows by a setting (`substr(current_setting('app.tok'), n, 1)
// = ch` spelled the token as the rows a proven read returned, dry too; `current_setting('app.tok')::int = n`
// failed with it), a policy whose subquery reads pg_roles' rolconfig, a domain whose CHECK casts a setting (a
// vouched cast failed with primary_conninfo), and a vouched call of a function someone created (SQL, BEGIN
// ATOMIC, PL/pgSQL) whose body reads a setting or pg_authid: each printed the secret. Now the server's own
// resolution (db/pg-secret-reach.ts) gives the step that secret; a function that is not PostgreSQL's own gives
// one whatever its body. Generated (seed 79) over PostgreSQL 15 and 18, real and dry; reads of plain tables with
// a harmless policy, and a vouched read of built-ins, stay shown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery, eventually } from '../db/helpers.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { assertNothingOf, finished, runRealAndDry } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;

const CONNINFO_PW = 'Zq7connPw9x';
const VERIFIER = 'b4e19c2d8e3f5a6b7c8d9e0f1a2b3c4d';
const PLACEHOLDER = 'Tk8placeTok';
const ROLE_SETTING = 'Rc6roleTok1';
const SECRETS = [CONNINFO_PW, VERIFIER, PLACEHOLDER, ROLE_SETTING];

/** A read and who runs it: the application's role (policies apply to it) or the superuser, vouched or proven. */
interface Read { ddl: string[]; query: string; app: boolean; vouched: boolean }

/** What the application's role may read (a placeholder, a role's setting), as a policy's qualifier would. */
const APP_SOURCES = ["current_setting('app.tok')", "(SELECT rolconfig::text FROM pg_roles WHERE rolname = 'victim')"];
/** What only a superuser reads, as a function's body would. */
const SUPER_SOURCES = ["current_setting('primary_conninfo')", "(SELECT rolpassword FROM pg_authid WHERE rolname = 'victim')", "current_setting('app.tok')"];
const WRAPS = [(e: string) => e, (e: string) => `upper(${e})`, (e: string) => `reverse(${e})`, (e: string) => `lower(${e})`];

/** A table of (position, character) whose policy keeps the rows the secret spells. */
function policy(next: () => number, i: number): Read {
  const t = `app.p${i}`;
  const source = pick(next, WRAPS)(pick(next, APP_SOURCES));
  const form = pick(next, ['spelled', 'cast'] as const);
  const qual = form === 'spelled' ? `substr(${source}, n, 1) = ch` : `(${source})::int = n`;
  return { ddl: [`CREATE TABLE ${t} (n int, ch text)`, `INSERT INTO ${t} SELECT n, chr(c) FROM generate_series(1, 40) n, generate_series(32, 126) c`,
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`, `CREATE POLICY p ON ${t} USING (${qual})`, `GRANT SELECT ON ${t} TO PUBLIC`],
  query: pick(next, [`SELECT string_agg(ch, '' ORDER BY n) AS v FROM ${t}`, `SELECT n, ch FROM ${t} ORDER BY n`]), app: true, vouched: false };
}

/** A function someone created whose body reads a secret, called by a vouched read (directly, through a view, or
 *  through a domain's CHECK a cast runs). */
function vouched(next: () => number, i: number): Read {
  const source = pick(next, WRAPS)(pick(next, SUPER_SOURCES));
  const f = `app.f${i}`;
  const body = pick(next, [
    `CREATE FUNCTION ${f}() RETURNS text LANGUAGE sql STABLE AS $$ SELECT ${source} $$`,
    `CREATE FUNCTION ${f}() RETURNS text LANGUAGE sql STABLE BEGIN ATOMIC SELECT ${source}; END`,
    `CREATE FUNCTION ${f}() RETURNS text LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN ${source}; END $$`,
  ]);
  const container = pick(next, ['call', 'bare', 'view', 'domain'] as const);
  if (container === 'call') return { ddl: [body], query: `SELECT ${f}() AS v`, app: false, vouched: true };
  if (container === 'bare') return { ddl: [body], query: `SELECT f${i}() AS v`, app: false, vouched: true };
  if (container === 'view') return { ddl: [body, `CREATE VIEW app.v${i} AS SELECT ${f}() AS v`], query: `SELECT v FROM app.v${i}`, app: false, vouched: true };
  const setting = pick(next, WRAPS)(pick(next, SUPER_SOURCES.filter((x) => x.startsWith('current_setting')))); // a CHECK holds no subquery
  return { ddl: [`CREATE DOMAIN app.d${i} AS text CHECK ((${setting})::int > 0)`], query: `SELECT 'x'::app.d${i} AS v`, app: false, vouched: true };
}

/** Reads that reach no secret: shown. */
const SHOWN: Read[] = [
  { ddl: ['CREATE TABLE app.kept (n int)', 'INSERT INTO app.kept VALUES (1), (2)', 'ALTER TABLE app.kept ENABLE ROW LEVEL SECURITY',
    'CREATE POLICY k ON app.kept USING (n > 0)', 'GRANT SELECT ON app.kept TO PUBLIC'], query: 'SELECT n FROM app.kept ORDER BY n', app: true, vouched: false },
  { ddl: [], query: 'SELECT upper(ch) AS v FROM app.plain', app: false, vouched: true },
  { ddl: [], query: 'SELECT ch FROM app.plain', app: true, vouched: false },
];

function runbook(server: LabServer, reads: Read[]): string {
  const lines = ['name: code', 'title: Code the server runs for a read', 'connections:', `  su: { url: ${JSON.stringify(server.adminUrl())} }`,
    `  app: { url: ${JSON.stringify(server.url())} }`, 'steps:'];
  reads.forEach((r, i) => {
    const next = i + 1 < reads.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, ...(r.vouched ? ['    destructive: false', '    safe_because: the author reviewed this code'] : []),
      `    sql: { connection: ${r.app ? 'app' : 'su'}, query: ${JSON.stringify(r.query)} }`, `    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

for (const version of ['system', '18'] as const) { // the system's is 15
  describe(`secrets reached through code the text does not hold (PostgreSQL ${version})`, () => {
    let server: LabServer;
    const reads: Read[] = [];
    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, `ALTER SYSTEM SET primary_conninfo = 'postgresql://repl:${CONNINFO_PW}@10.9.9.9/postgres'`);
      // A placeholder every role reads, set by the database's owner (PostgreSQL 15's ALTER SYSTEM takes none).
      await adminQuery(server, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET app.tok = %L', current_database(), '${PLACEHOLDER}'); END $$`);
      await adminQuery(server, 'SELECT pg_reload_conf()');
      assert.ok(await eventually(async () => (await adminQuery(server, "SELECT current_setting('primary_conninfo') AS v"))[0]?.v !== ''), 'the reload took');
      await adminQuery(server, `CREATE ROLE victim LOGIN PASSWORD 'md5${VERIFIER}'`);
      await adminQuery(server, `ALTER ROLE victim SET app.tok = '${ROLE_SETTING}'`);
      await adminQuery(server, 'CREATE SCHEMA app; GRANT USAGE ON SCHEMA app TO PUBLIC');
      await adminQuery(server, `ALTER ROLE ${server.superuser} SET search_path = "$user", public, app`);
      await adminQuery(server, "CREATE TABLE app.plain (ch text); INSERT INTO app.plain VALUES ('a'); GRANT SELECT ON app.plain TO PUBLIC");
      const next = rng(79);
      for (let i = 0; i < 16; i++) reads.push(i % 2 ? policy(next, i) : vouched(next, i));
      reads.push(...SHOWN);
      for (const r of reads) for (const ddl of r.ddl) await adminQuery(server, ddl);
    });
    after(async () => { await server?.stop(); });

    it('16 generated reads (seed 79): nothing of the secrets shown or recorded, real and dry; the harmless ones shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
      const dir = scratch(t);
      const file = writeRunbook(dir, 'code', runbook(server, reads));
      await runRealAndDry(dir, file, (dry, r, recorded) => {
        assertNothingOf(SECRETS, r, recorded, dry);
        reads.forEach((read, i) => {
          const f = finished(recorded, `r${i}`);
          if (dry && read.vouched) return assert.equal(f?.withheld, undefined, 'a vouched read is shown, not run, in a dry run');
          const harmless = i >= reads.length - SHOWN.length;
          if (harmless) return assert.equal(f?.withheld, undefined, `${read.query} is shown (${dry ? 'dry' : 'real'}): ${JSON.stringify(f)}`);
          assert.ok(f?.withheld?.because?.length, `${read.query} is withheld (${dry ? 'dry' : 'real'}): ${JSON.stringify(f)}`);
        });
      });
    });
  });
}
