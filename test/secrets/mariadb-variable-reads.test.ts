// MariaDB shows every variable to every account, and two hold passwords: report_password (a replica's password to
// its primary) and a wsrep_sst_auth given at startup (Galera's state transfer `user:password`; only SET GLOBAL masks
// it). `SELECT @@report_password`, `SHOW VARIABLES`, information_schema.GLOBAL_VARIABLES (validate clean, proven
// reads, no privilege) printed them on the screen and in the transcript (a probe of stop 78). Now a read of a
// variable not on the list of those that hold no password (language/sql/mysql-variable-reads.ts) is a step given a
// secret, by its text or, through a view, by the server's resolution (db/mysql-secret-reach.ts). Generated reads
// (seed 78: scope, case, wrappers, SHOW forms, the variables' tables, executable comments, a function a view calls), dry and
// real, by the application's account; reads of listed variables stay shown. The list is the lab's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { MARIADB_SHOWN_VARIABLES } from '../../src/language/sql/mysql-shown-variables.js';
import { adminQuery } from '../db/helpers.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { assertNothingOf, finished, runRealAndDry } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;
const cased = (next: () => number, w: string) => pick(next, [w, w.toUpperCase(), w.toLowerCase()]);

const REPORT_PW = 'Rp7reportPw9x';
const SST_PW = 'Ss5sstPw2qz';
const SECRETS = [REPORT_PW, SST_PW];
const WRAPS = [(e: string) => e, (e: string) => `UPPER(${e})`, (e: string) => `REVERSE(${e})`, (e: string) => `CONCAT('x', ${e})`, (e: string) => `SUBSTR(${e}, 1)`];

interface Read { query: string; vouched: boolean; ddl?: string[] }

function reads(next: () => number, count: number): Read[] {
  const out: Read[] = [];
  for (let i = 0; i < count; i++) {
    const name = pick(next, ['report_password', 'wsrep_sst_auth']);
    const variable = `@@${pick(next, ['', 'global.', 'GLOBAL.'])}${cased(next, name)}`;
    const kind = pick(next, ['at', 'at', 'show', 'table', 'comment', 'view'] as const);
    if (kind === 'at') out.push({ query: `SELECT ${pick(next, WRAPS)(variable)} AS v`, vouched: false });
    else if (kind === 'show') out.push({ query: `${cased(next, 'SHOW')} ${pick(next, ['', 'GLOBAL ', 'session '])}${cased(next, 'VARIABLES')}${pick(next, ['', ` LIKE '${name.slice(0, 6)}%'`, ` LIKE '${name}'`, ` WHERE Variable_name IN ('max_connections', '${name}')`])}`, vouched: false });
    else if (kind === 'table') {
      const [table, column] = pick(next, [['information_schema.GLOBAL_VARIABLES', 'VARIABLE_VALUE'], ['information_schema.SYSTEM_VARIABLES', 'GLOBAL_VALUE'], ['INFORMATION_SCHEMA.global_variables', 'VARIABLE_VALUE']] as const);
      out.push({ query: `SELECT VARIABLE_NAME, ${pick(next, WRAPS)(column)} AS v FROM ${table} WHERE VARIABLE_NAME = '${name.toUpperCase()}'`, vouched: false });
    } else if (kind === 'comment') out.push({ query: `SELECT 1 AS one /*!50000 , ${pick(next, WRAPS)(variable)} AS v */`, vouched: false });
    else {
      // A view may not read a variable; a function it calls may. Defined as the application's account, which sees
      // its body: the variable read there decides.
      out.push({ ddl: [`CREATE DEFINER = app_user@'%' FUNCTION app_db.cfg_${i}_f() RETURNS TEXT RETURN ${pick(next, WRAPS)(variable)}`,
        `CREATE DEFINER = app_user@'%' VIEW app_db.cfg_${i} AS SELECT app_db.cfg_${i}_f() AS v`], query: `SELECT v FROM cfg_${i}`, vouched: true });
    }
  }
  return out;
}

/** Reads of variables that hold no password (the built-in runbooks' among them): shown. */
const SHOWN: Read[] = [
  { query: 'SELECT @@max_connections AS m, @@global.wait_timeout AS w', vouched: false },
  { query: "SHOW GLOBAL VARIABLES LIKE 'max_connections'", vouched: false },
  { query: "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('max_password_errors')", vouched: false },
  { query: 'SELECT @@global.init_connect AS init_connect', vouched: false },
  { query: "SELECT @@global.max_connect_errors AS max_connect_errors, @@global.skip_name_resolve AS skip_name_resolve", vouched: false },
];

function runbook(url: string, all: Read[]): string {
  const lines = ['name: variables', 'title: Variables that hold passwords', 'connections:', `  app: { url: ${JSON.stringify(url)} }`, 'steps:'];
  all.forEach((r, i) => {
    const next = i + 1 < all.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: app, query: ${JSON.stringify(r.query)} }`);
    if (r.vouched) lines.push('    destructive: false', '    safe_because: the owner says it only reads');
    lines.push(`    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}


describe('MariaDB variables that hold passwords', () => {
  let server: LabServer;
  before(async () => { server = await startMariadb({ startupPasswords: { report: REPORT_PW, sst: `sst:${SST_PW}` } }); });
  after(async () => { await server?.stop(); });

  it("the list of variables that hold none is the lab's, but report_password and wsrep_sst_auth, which it shows in clear", async () => {
    const rows = await adminQuery(server, 'SELECT LOWER(VARIABLE_NAME) AS n, GLOBAL_VALUE AS v FROM information_schema.SYSTEM_VARIABLES');
    const names = rows.map((r) => String(r.n));
    assert.deepEqual(names.filter((n) => !MARIADB_SHOWN_VARIABLES.has(n)).sort(), ['report_password', 'wsrep_sst_auth']);
    assert.deepEqual([...MARIADB_SHOWN_VARIABLES].filter((n) => !names.includes(n)), [], 'every listed variable is the server\'s');
    const shownTo = await adminQuery(server, 'SELECT @@report_password AS r, @@wsrep_sst_auth AS s');
    assert.deepEqual([shownTo[0]?.r, shownTo[0]?.s], [REPORT_PW, `sst:${SST_PW}`], 'the server shows them in clear');
  });

  it('40 generated reads (seed 78): nothing of the passwords shown or recorded, dry and real; listed variables shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
    const planted = reads(rng(78), 40);
    for (const r of planted) for (const ddl of r.ddl ?? []) await adminQuery(server, ddl);
    const all = [...planted, ...SHOWN];
    const dir = scratch(t);
    const file = writeRunbook(dir, 'variables', runbook(server.url(), all));
    await runRealAndDry(dir, file, (dry, r, recorded) => {
      assertNothingOf(SECRETS, r, recorded, dry);
      const given = planted.map((p, i) => [p.query, finished(recorded, `r${i}`)] as const);
      assert.deepEqual(given.filter(([, f]) => f?.status !== 'ok').map(([q, f]) => `${q}: ${f?.status}`), [], `every read ran (${dry ? 'dry' : 'real'})`);
      assert.deepEqual(given.filter(([, f]) => f?.withheld === undefined).map(([q]) => q), [], `every read of a password is withheld (${dry ? 'dry' : 'real'})`);
      SHOWN.forEach((p, j) => {
        const f = finished(recorded, `r${planted.length + j}`);
        assert.equal(f?.status, 'ok', `${p.query}: ${f?.error}`);
        assert.equal(f?.withheld, undefined, `${p.query} is shown`);
      });
    });
  });
});
