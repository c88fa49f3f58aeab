// A hostile database owner's views and stored routines over MariaDB's password stores (stop 76 left it; a probe of
// stop 78 reproduced it): `CREATE VIEW app_db.accounts AS SELECT user, authentication_string FROM mysql.user` read by
// a vouched `SELECT * FROM accounts`, a SQL SECURITY DEFINER view granted to the application, a stored function
// returning a verifier, nested views, a view in another database, and a view in mysql itself written with the
// server's definer (`mariadb.sys`@`localhost`), which a proven read reads without vouching. The text names only the
// view or the function, so the text's reading gives the step nothing. Now the server's own resolution of what the
// read names, in its transaction (db/mysql-secret-reach.ts), gives the step the secret: nothing of it on the screen
// or in the transcript, dry run or real. Generated (seed 78) over five sources in six wrappers and seven
// containers; beside them, reads that reach no password (a view of accounts' hosts) stay shown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { assertNothingOf, finished, runRealAndDry } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;

const VICTIM_PW = 'Vq7victimPw9x';
const SERVER_PW = 'Sv5serverPw2q';

/** What each secret is read from, as a view's query would (one row per account or server, column v). */
const SOURCES = [
  "SELECT user AS u, authentication_string AS v FROM mysql.user WHERE user = 'victim'",
  "SELECT user AS u, Password AS v FROM mysql.user WHERE user = 'victim'",
  "SELECT User AS u, Priv AS v FROM mysql.global_priv WHERE User = 'victim'",
  "SELECT User AS u, JSON_VALUE(Priv, '$.authentication_string') AS v FROM mysql.global_priv WHERE User = 'victim'",
  "SELECT Server_name AS u, Password AS v FROM mysql.servers WHERE Server_name = 'remote'",
];
const WRAPS = [(e: string) => e, (e: string) => `UPPER(${e})`, (e: string) => `REVERSE(${e})`, (e: string) => `LOWER(${e})`, (e: string) => `SUBSTR(${e}, 1)`, (e: string) => `CONCAT('x', ${e})`];

type Connection = 'admin' | 'app';
interface Planted { ddl: string[]; read: string; connection: Connection; vouched: boolean }

/** A view, a chain of them, or a stored function, named `<name>_<i>`, whose value is the source's, wrapped. */
function planted(next: () => number, i: number): Planted {
  const inner = `SELECT s.u, ${pick(next, WRAPS)('s.v')} AS v FROM (${pick(next, SOURCES)}) s`;
  const name = `${pick(next, ['accounts', 'status', 'health', 'user_list', 'plain'])}_${i}`;
  const container = pick(next, ['view', 'definer', 'nested', 'other', 'function', 'function-view', 'server-own'] as const);
  const q = `app_db.${name}`;
  if (container === 'view') return { ddl: [`CREATE VIEW ${q} AS ${inner}`], read: `SELECT * FROM ${name}`, connection: 'admin', vouched: true };
  if (container === 'definer') {
    // Defined by the administrator, read by the application's account, which cannot read mysql.user itself.
    return { ddl: [`CREATE DEFINER = lab_admin@'%' SQL SECURITY DEFINER VIEW ${q} AS ${inner}`], read: `SELECT u, v FROM ${name}`, connection: 'app', vouched: true };
  }
  if (container === 'nested') {
    return { ddl: [`CREATE VIEW ${q}_a AS ${inner}`, `CREATE VIEW ${q}_b AS SELECT u, v FROM ${q}_a`, `CREATE VIEW ${q} AS SELECT u, UPPER(v) AS v FROM ${q}_b`], read: `SELECT v FROM ${name}`, connection: 'admin', vouched: true };
  }
  if (container === 'other') return { ddl: [`CREATE VIEW other.${name} AS ${inner}`], read: `SELECT * FROM other.${name}`, connection: 'admin', vouched: true };
  const fn = `CREATE DEFINER = lab_admin@'%' FUNCTION ${q}_f() RETURNS TEXT READS SQL DATA SQL SECURITY DEFINER RETURN (SELECT GROUP_CONCAT(v) FROM (${inner}) t)`;
  const grant = `GRANT EXECUTE ON FUNCTION ${q}_f TO app_user@'%'`;
  if (container === 'function') return { ddl: [fn, grant], read: `SELECT ${name}_f() AS v`, connection: pick(next, ['admin', 'app'] as const), vouched: true };
  if (container === 'function-view') return { ddl: [fn, grant, `CREATE VIEW ${q} AS SELECT ${q}_f() AS v`], read: `SELECT v FROM ${name}`, connection: 'admin', vouched: true };
  // A view in mysql written with the server's definer (SQL SECURITY INVOKER: mariadb.sys may read global_priv
  // only), its definition a proven read over mysql's own tables: a
  // proven read, no vouching needed.
  return { ddl: [`CREATE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW mysql.${name} AS ${inner}`], read: `SELECT * FROM mysql.${name}`, connection: 'admin', vouched: false };
}

/** Reads that reach no password: shown. */
const SHOWN: Planted[] = [
  { ddl: [], read: 'SELECT n FROM plain ORDER BY n', connection: 'app', vouched: false },
  { ddl: [], read: "SELECT user, host FROM mysql.user WHERE user = 'victim'", connection: 'admin', vouched: false },
  { ddl: [], read: 'SELECT n, t FROM plain_view ORDER BY n', connection: 'admin', vouched: true },
  { ddl: [], read: 'SELECT u, h FROM hosts_view', connection: 'admin', vouched: true },
];

function runbook(urls: Record<Connection, string>, reads: Planted[]): string {
  const lines = ['name: views', "title: A hostile owner's views", 'connections:',
    ...Object.entries(urls).map(([k, url]) => `  ${k}: { url: ${JSON.stringify(url)} }`), 'steps:'];
  reads.forEach((r, i) => {
    const next = i + 1 < reads.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: ${r.connection}, query: ${JSON.stringify(r.read)} }`);
    if (r.vouched) lines.push('    destructive: false', '    safe_because: the owner says it only reads');
    lines.push(`    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}


describe("secrets a hostile owner's MariaDB views and routines reach", () => {
  let server: LabServer;
  let urls: Record<Connection, string>;
  const views: Planted[] = [];
  let secrets: string[] = [];
  before(async () => {
    server = await startMariadb();
    urls = { admin: server.adminUrl(), app: server.url() };
    await adminQuery(server, `CREATE USER victim@'%' IDENTIFIED BY '${VICTIM_PW}'`);
    await adminQuery(server, `CREATE SERVER remote FOREIGN DATA WRAPPER mysql OPTIONS (HOST '127.0.0.1', USER 'r', PASSWORD '${SERVER_PW}', DATABASE 'x')`);
    await adminQuery(server, 'CREATE DATABASE other');
    // The application's account runs routines and views whose code it cannot see: that they call no loadable
    // function (UDF) is known only from mysql.func (db/mysql-loadable-functions.ts, stop 79).
    await adminQuery(server, "GRANT SELECT ON mysql.func TO app_user@'%'");
    await adminQuery(server, 'CREATE TABLE app_db.plain (n INT) ENGINE=InnoDB');
    await adminQuery(server, 'INSERT INTO app_db.plain VALUES (1), (2)');
    await adminQuery(server, 'CREATE VIEW app_db.plain_view AS SELECT n, UPPER(CAST(n AS CHAR)) AS t FROM app_db.plain');
    await adminQuery(server, 'CREATE VIEW app_db.hosts_view AS SELECT user AS u, host AS h FROM mysql.user');
    const next = rng(78);
    for (let i = 0; i < 40; i++) views.push(planted(next, i));
    for (const v of views) for (const ddl of v.ddl) await adminQuery(server, ddl);
    const stored = await adminQuery(server, "SELECT authentication_string AS v FROM mysql.user WHERE user = 'victim'");
    const verifier = String(stored[0]?.v ?? '');
    assert.match(verifier, /^\*[0-9A-F]{40}$/, 'the victim has a verifier');
    secrets = [verifier.slice(1), SERVER_PW];
  });
  after(async () => { await server?.stop(); });

  it('40 generated views and routines (seed 78): nothing of the secrets shown or recorded, dry and real; the rest shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
    const reads = [...views, ...SHOWN];
    const dir = scratch(t);
    const file = writeRunbook(dir, 'views', runbook(urls, reads));
    await runRealAndDry(dir, file, (dry, r, recorded) => {
      assertNothingOf(secrets, r, recorded, dry, 12);
      const given = views.map((p, i) => [p, i, finished(recorded, `r${i}`)] as const);
      // A dry run shows a vouched function call without running it; everything else runs.
      const ran = given.filter(([, , f]) => f?.details?.dryRun !== true);
      assert.deepEqual(ran.filter(([, , f]) => f?.status !== 'ok').map(([p, , f]) => `${p.read}: ${f?.status} ${f?.error}`), [], `every read ran (${dry ? 'dry' : 'real'})`);
      if (!dry) assert.equal(ran.length, views.length, 'a real run ran every read');
      assert.deepEqual(ran.filter(([, , f]) => f?.withheld === undefined).map(([p]) => p.read), [], `every read of a secret is withheld (${dry ? 'dry' : 'real'})`);
      // The record says which view or routine reached what, by the server's names.
      assert.deepEqual(ran.filter(([, i, f]) => !new RegExp(`(app_db|other|mysql)\\.[a-z_]+_${i}(_a|_b|_f)?\\b`).test(f?.withheld?.because?.join(' ') ?? '')).map(([p]) => p.read), [], 'each names its view or routine');
      SHOWN.forEach((p, j) => {
        const f = finished(recorded, `r${views.length + j}`);
        assert.equal(f?.status, 'ok', `${p.read}: ${f?.error}`);
        assert.equal(f?.withheld, undefined, `${p.read} is shown`);
      });
    });
  });

  it("a routine that fails with the verifier in its error, through a view: the error is withheld too, and any error raised through code someone created", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    await adminQuery(server, `CREATE FUNCTION app_db.fails() RETURNS INT READS SQL DATA BEGIN
      DECLARE m TEXT DEFAULT (SELECT authentication_string FROM mysql.user WHERE user = 'victim');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m; RETURN 1; END`);
    await adminQuery(server, 'CREATE VIEW app_db.failing AS SELECT app_db.fails() AS v');
    const dir = scratch(t);
    const file = writeRunbook(dir, 'err', runbook(urls, [{ ddl: [], read: 'SELECT v FROM failing', connection: 'admin', vouched: true }]));
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--transcript', transcript], { cwd: dir });
    const recorded = readFileSync(transcript, 'utf8');
    const f = finished(recorded, 'r0');
    assert.equal(f?.status, 'failed', r.stdout + r.stderr);
    assert.ok(f?.withheld?.because?.some((b) => b.includes('app_db.fails')), JSON.stringify(f));
    for (const out of [r.stdout, r.stderr, recorded]) assert.ok(!out.includes(secrets[0]!.slice(0, 12)), 'the verifier is nowhere');
    // The same code, read once it no longer reads a store (as a DBA flipping it back after the statement would
    // leave it): a failed statement holds nothing, so its error is withheld as one raised by that code.
    await adminQuery(server, `CREATE OR REPLACE FUNCTION app_db.fails() RETURNS INT DETERMINISTIC BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; RETURN 1; END`);
    const flipped = join(dir, 'flipped.jsonl');
    await cli(['run', file, '--plain', '--transcript', flipped], { cwd: dir });
    const g = finished(readFileSync(flipped, 'utf8'), 'r0');
    assert.equal(g?.status, 'failed', JSON.stringify(g));
    assert.ok(g?.withheld?.because?.some((b) => b.includes('the error of a read that ran') && b.includes('app_db.fails')), JSON.stringify(g));
    await adminQuery(server, `CREATE OR REPLACE FUNCTION app_db.fails() RETURNS INT READS SQL DATA BEGIN
      DECLARE m TEXT DEFAULT (SELECT authentication_string FROM mysql.user WHERE user = 'victim');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m; RETURN 1; END`);
    // With no route on error the run ends failed, its message naming the step's error: withheld there too.
    const ends = writeRunbook(dir, 'ends', runbook(urls, [{ ddl: [], read: 'SELECT v FROM failing', connection: 'admin', vouched: true }]).replace(/\n {4}on: \{ error: done \}/, ''));
    const endTranscript = join(dir, 'ends.jsonl');
    const e = await cli(['run', ends, '--plain', '--transcript', endTranscript], { cwd: dir });
    assert.match(e.stdout + e.stderr, /finished failed/, e.stdout + e.stderr);
    for (const out of [e.stdout, e.stderr, readFileSync(endTranscript, 'utf8')]) assert.ok(!out.includes(secrets[0]!.slice(0, 12)), 'the verifier is not in the run\'s ending message');
  });
});
