// A loadable function (UDF) is native code the server runs in its own process, and information_schema.ROUTINES does
// not list it (a probe of stop 79). `CREATE FUNCTION sphinx_snippets RETURNS STRING SONAME 'ha_sphinx.so'` (a library
// MariaDB ships) made a vouched `SELECT sphinx_snippets(…)`, a view calling it (dry run too) and a stored function
// calling it open a TCP connection to another server from the database server, and crash the server when none
// answered. Now the calls of the read's text and of every view and routine it reaches are asked about in the
// server's own catalogs (db/mysql-loadable-functions.ts): a UDF, or a name whose kind this account cannot learn
// (mysql.func unreadable), refuses the read before it runs. Generated (seed 79) over spellings and containers;
// a listener counts connections, and the server must stay up. Beside them, reads the engine can tell apart run.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { scratch, writeRunbook } from './helpers.js';
import { finished, runRealAndDry } from '../secrets/secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;

type Connection = 'admin' | 'app';
interface Planted { ddl: string[]; read: string; connection: Connection }

/** A call of the UDF as an author may spell it: case, backquotes, a space before the parenthesis, an executable comment. */
function call(next: () => number, port: number): string {
  const args = `('doc text', 'sphinx://127.0.0.1:${port}/idx', 'doc')`;
  const name = pick(next, ['sphinx_snippets', 'SPHINX_SNIPPETS', 'Sphinx_Snippets', '`sphinx_snippets`', '`SPHINX_snippets`']);
  const spelled = `${name}${pick(next, ['', ' ', '\n'])}${args}`;
  return pick(next, [spelled, `CONCAT('x' /*!50000 , ${spelled} */)`, `CONCAT('x' /*M!100500 , ${spelled} */)`, `CONCAT('x', ${spelled})`]);
}

/** The call in a container, named `<kind>_<i>`. */
function planted(next: () => number, i: number, port: number): Planted {
  const expr = call(next, port);
  const connection = pick(next, ['admin', 'app'] as const);
  const kind = pick(next, ['text', 'view', 'nested', 'function', 'function-qualified', 'procedural', 'function-view'] as const);
  const grant = (what: string) => `GRANT ${what} TO app_user@'%'`;
  if (kind === 'text') return { ddl: [], read: `SELECT ${expr} AS s`, connection };
  if (kind === 'view') return { ddl: [`CREATE VIEW app_db.v_${i} AS SELECT ${expr} AS s`, grant(`SELECT ON app_db.v_${i}`)], read: `SELECT s FROM v_${i}`, connection };
  if (kind === 'nested') {
    return { ddl: [`CREATE VIEW app_db.w_${i} AS SELECT ${expr} AS s`, `CREATE VIEW app_db.v_${i} AS SELECT UPPER(s) AS s FROM app_db.w_${i}`, grant(`SELECT ON app_db.v_${i}`)], read: `SELECT s FROM v_${i}`, connection };
  }
  const fn = kind === 'procedural'
    ? `CREATE FUNCTION app_db.f_${i}() RETURNS TEXT BEGIN DECLARE r TEXT; SET r = ${expr}; RETURN r; END`
    : `CREATE FUNCTION app_db.f_${i}() RETURNS TEXT RETURN ${expr}`;
  const ddl = [fn, grant(`EXECUTE ON FUNCTION app_db.f_${i}`)];
  if (kind === 'function-view') return { ddl: [...ddl, `CREATE VIEW app_db.v_${i} AS SELECT app_db.f_${i}() AS s`, grant(`SELECT ON app_db.v_${i}`)], read: `SELECT s FROM v_${i}`, connection };
  return { ddl, read: kind === 'function' ? `SELECT f_${i}() AS s` : `SELECT app_db.f_${i}() AS s`, connection };
}

/** Reads whose calls the engine can tell are no UDF's: they run. A read through a view or a routine someone created
 *  does not on this server, which has a UDF: its code may be swapped for a call of it between the engine's question
 *  and the statement (stop 81, db/mysql-code-swap.ts); refused, saying so. */
const RUN: Planted[] = [
  { ddl: [], read: 'SELECT COUNT(*) AS c FROM plain', connection: 'app' },
];
const SWAPPABLE: Planted[] = [
  { ddl: [], read: 'SELECT plain_f() AS s', connection: 'admin' },
  { ddl: [], read: 'SELECT s FROM plain_view', connection: 'admin' },
];

function runbook(urls: Record<Connection, string>, reads: Planted[]): string {
  const lines = ['name: udfs', 'title: Loadable functions', 'connections:',
    ...Object.entries(urls).map(([k, url]) => `  ${k}: { url: ${JSON.stringify(url)} }`), 'steps:'];
  reads.forEach((r, i) => {
    const next = i + 1 < reads.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: ${r.connection}, query: ${JSON.stringify(r.read)} }`, '    timeout: 10s',
      '    destructive: false', '    safe_because: the owner says it only reads', `    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

describe('loadable functions (UDFs) a MariaDB read may call', () => {
  let server: LabServer;
  let listener: Server;
  let connections = 0;
  let skip: string | false = false;
  const reads: Planted[] = [];
  before(async () => {
    listener = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    server = await startMariadb();
    const dir = String((await adminQuery(server, 'SELECT @@plugin_dir AS d'))[0]?.d ?? '');
    if (!existsSync(join(dir, 'ha_sphinx.so'))) { skip = `no ha_sphinx.so in ${dir}`; return; }
    await adminQuery(server, "CREATE FUNCTION sphinx_snippets RETURNS STRING SONAME 'ha_sphinx.so'");
    await adminQuery(server, 'CREATE TABLE app_db.plain (n INT) ENGINE=InnoDB');
    await adminQuery(server, "CREATE FUNCTION app_db.plain_f() RETURNS TEXT RETURN CONCAT('pl', 'ain')");
    await adminQuery(server, 'CREATE VIEW app_db.plain_view AS SELECT app_db.plain_f() AS s');
    const next = rng(79);
    for (let i = 0; i < 30; i++) reads.push(planted(next, i, port));
    for (const r of reads) for (const ddl of r.ddl) await adminQuery(server, ddl);
  });
  after(async () => { await server?.stop(); listener?.close(); });

  it('30 generated calls (seed 79): each refused before it runs, dry and real; no connection leaves the server, which stays up; the rest run', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
    if (skip) return t.skip(skip);
    const all = [...reads, ...RUN, ...SWAPPABLE];
    const dir = scratch(t);
    const file = writeRunbook(dir, 'udfs', runbook({ admin: server.adminUrl(), app: server.url() }, all));
    await runRealAndDry(dir, file, (dry, r, recorded) => {
      const run = dry ? 'dry' : 'real';
      const outcome = all.map((p, i) => [p, finished(recorded, `r${i}`)] as const);
      // A dry run shows a vouched call without running it; a view's call it would run.
      const refusedOrShown = outcome.slice(0, reads.length).filter(([, f]) => f?.details?.dryRun !== true && !/loadable function/.test(String(f?.error)));
      assert.deepEqual(refusedOrShown.map(([p, f]) => `${p.connection}: ${p.read}: ${f?.status} ${f?.error}`), [], `every call refused (${run})\n${r.stdout}`);
      const ran = outcome.slice(reads.length, reads.length + RUN.length).filter(([, f]) => f?.status !== 'ok' && f?.details?.dryRun !== true);
      assert.deepEqual(ran.map(([p, f]) => `${p.read}: ${f?.status} ${f?.error}`), [], `the reads it can tell apart run (${run})`);
      const swappable = outcome.slice(reads.length + RUN.length).filter(([, f]) => f?.details?.dryRun !== true && !/another session may replace between the engine's question and the statement, and the server has a loadable function \(UDF\) sphinx_snippets/.test(String(f?.error)));
      assert.deepEqual(swappable.map(([p, f]) => `${p.read}: ${f?.status} ${f?.error}`), [], `reads through code someone created refused on a server with a UDF (${run})`);
    });
    assert.equal(connections, 0, 'no connection from the database server');
    assert.equal((await adminQuery(server, 'SELECT 1 AS one'))[0]?.one, 1, 'the server is up');
  });
});
