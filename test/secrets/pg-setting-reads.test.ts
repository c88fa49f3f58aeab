// A superuser's read of a setting that holds another server's password (a probe of stop 77): primary_conninfo's
// `password=` was masked by its spelling only, and `upper(current_setting('primary_conninfo'))`, `reverse(setting)`
// from pg_settings and `SELECT * FROM pg_file_settings` printed it whole, on the screen and in the transcript,
// dry run too. The server says which settings are secret: those it shows to no ordinary role. A read of one (or of
// a name the engine cannot read as a literal) is now a step given a secret. Generated reads (seed 77), dry and
// real (a probe of the fix renamed pg_settings' columns, `pg_settings s(setting, name)`: `name` was the value); the oracle is the secrets the test planted, in the forms the reads print them. Reads of settings any role
// sees (and pg_settings' describing columns) are still shown. And a guard: on every major the lab runs, the list
// of settings shown to any role (pg-public-settings.ts) is what the server shows an ordinary role.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { PG_PUBLIC_SETTINGS } from '../../src/language/sql/pg-public-settings.js';
import { adminQuery } from '../db/helpers.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { assertNothingOf, finished, runRealAndDry } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;
const cased = (next: () => number, w: string) => pick(next, [w, w.toUpperCase(), [...w].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('')]);

const CONNINFO_PW = 'Zq7connPw9x';
const PLACEHOLDER = 'Tk8placeTok';
const PASSPHRASE = 'Pp4phraseKey';

function reads(next: () => number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = pick(next, ['primary_conninfo', 'app.tok', 'ssl_passphrase_command']);
    const wrap = (e: string) => pick(next, [e, `upper(${e})`, `reverse(${e})`, `lower(${e})`, `translate(${e}, 'pa', 'PA')`, `substr(${e}, 2)`, `replace(${e}, 'password', 'pw')`]);
    const kind = pick(next, ['show', 'current', 'computed', 'settings', 'file', 'all'] as const);
    if (kind === 'show') out.push(`${cased(next, 'SHOW')} ${pick(next, [name, name === 'app.tok' ? name : `"${name}"`])}`);
    else if (kind === 'current') out.push(`SELECT ${wrap(`${pick(next, ['', 'pg_catalog.'])}current_setting('${name}'${pick(next, ['', ', true'])})`)} AS v`);
    else if (kind === 'computed') out.push(`SELECT ${wrap(`current_setting(n)`)} AS v FROM (VALUES ('${name.slice(0, 4)}' || '${name.slice(4)}')) x(n)`);
    else if (kind === 'settings') out.push(pick(next, [`SELECT ${wrap('setting')} AS v FROM pg_settings WHERE name = '${name}'`, `SELECT ${wrap('s.reset_val')} AS v FROM pg_catalog.pg_settings s WHERE name = '${name}'`,
      `SELECT * FROM pg_settings WHERE name = '${name}'`, `SELECT ${wrap('s::text')} AS v FROM pg_settings s WHERE name = '${name}'`, `TABLE pg_settings`,
      `WITH c AS (SELECT name, setting FROM pg_settings) SELECT ${wrap('setting')} AS v FROM c WHERE name = '${name}'`,
      `SELECT ${wrap('setting')} AS v FROM pg_settings WHERE name = 'work_mem' OR name = '${name}'`, `SELECT ${wrap('setting')} AS v FROM pg_settings WHERE name IN ('work_mem', '${name}')`]));
    else if (kind === 'file') out.push(`SELECT name, ${wrap('setting')} AS v FROM ${pick(next, ['pg_file_settings', 'pg_catalog.pg_file_settings'])}`);
    else out.push(cased(next, 'SHOW ALL'));
  }
  return out;
}

/** Each read always: a probe of the fix renamed pg_settings' columns, so `name` was the value. */
const RENAMED = ['SELECT name AS v FROM pg_settings s(setting, name)', 'SELECT upper(s.name) AS v FROM pg_catalog.pg_settings s(setting, name) ORDER BY 1'];

/** Reads of settings any role sees: shown. */
const SHOWN = [
  "SELECT current_setting('max_connections') AS m, (SELECT source FROM pg_settings WHERE name = 'work_mem') AS s",
  'SHOW server_version',
  "SELECT name, context, vartype FROM pg_settings WHERE name = 'primary_conninfo'",
  "SELECT max(setting::int) FILTER (WHERE name = 'max_connections') AS m, max(s.source) AS src FROM pg_settings s WHERE s.name IN ('max_connections', 'work_mem')",
];

function runbook(url: string, queries: string[]): string {
  const lines = ['name: settings', 'title: A superuser reads settings', 'connections:', `  db: { url: ${JSON.stringify(url)} }`, 'steps:'];
  queries.forEach((q, i) => lines.push(`  - id: r${i}`, `    sql: { query: ${JSON.stringify(q)} }`, `    next: ${i + 1 < queries.length ? `r${i + 1}` : 'done'}`, `    on: { error: ${i + 1 < queries.length ? `r${i + 1}` : 'done'} }`));
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}


describe('a setting only a superuser may read, read back', () => {
  let server: LabServer;
  before(async () => {
    server = await startPostgres({ postgresVersion: '18' });
    await adminQuery(server, `ALTER SYSTEM SET primary_conninfo = 'postgresql://repl:${CONNINFO_PW}@10.9.9.9/postgres'`);
    await adminQuery(server, `ALTER SYSTEM SET app.tok = '${PLACEHOLDER}'`);
    await adminQuery(server, `ALTER SYSTEM SET ssl_passphrase_command = 'echo ${PASSPHRASE}'`);
    await adminQuery(server, 'SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 500));
  });
  after(async () => { await server?.stop(); });

  it('generated reads (seed 77) of primary_conninfo, a placeholder and ssl_passphrase_command: none shown or recorded, dry and real; public settings shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
    const seen = await adminQuery(server, "SELECT current_setting('primary_conninfo') AS c, current_setting('app.tok') AS t");
    assert.match(String(seen[0]?.c), new RegExp(CONNINFO_PW), 'the planted setting took');
    const queries = [...reads(rng(77), 40), ...RENAMED, ...SHOWN];
    const dir = scratch(t);
    const file = writeRunbook(dir, 'settings', runbook(server.adminUrl(), queries));
    await runRealAndDry(dir, file, (dry, r, recorded) => {
      assertNothingOf([CONNINFO_PW, PLACEHOLDER, PASSPHRASE], r, recorded, dry);
      const generated = queries.slice(0, -SHOWN.length).map((q, i) => [q, finished(recorded, `r${i}`)] as const);
      assert.deepEqual(generated.filter(([, f]) => f?.status === 'ok' && f.withheld === undefined).map(([q]) => q), [], `every read that ran is withheld (${dry ? 'dry' : 'real'})`);
      assert.ok(generated.filter(([, f]) => f?.status === 'ok').length >= 30, 'most reads ran');
      SHOWN.forEach((q, j) => {
        const f = finished(recorded, `r${queries.length - SHOWN.length + j}`);
        assert.equal(f?.status, 'ok', q);
        assert.equal(f?.withheld, undefined, `${q} is shown`);
      });
    });
  });
});

describe('the settings any role sees, by the server', () => {
  for (const version of ['14', 'system', '16', '17', '18'] as const) {
    it(`PostgreSQL ${version}: every listed setting is one an ordinary role reads; every other the server shows a superuser is not listed`, { timeout: E2E_TEST_LIMIT_MS }, async () => {
      const server = await startPostgres({ postgresVersion: version });
      try {
        const every = (await adminQuery(server, 'SELECT name FROM pg_settings')).map((r) => String(r.name).toLowerCase());
        const client = new pg.Client({ connectionString: server.url() });
        await client.connect();
        try {
          const role = (await client.query("SELECT r.rolsuper AS su, pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') AS m FROM pg_roles r WHERE r.rolname = current_user")).rows[0];
          assert.deepEqual(role, { su: false, m: false }, 'an ordinary role');
          const visible = new Set((await client.query('SELECT name FROM pg_settings')).rows.map((r) => String(r.name).toLowerCase()));
          for (const name of every) assert.equal(PG_PUBLIC_SETTINGS.has(name), visible.has(name), `${name}: listed iff an ordinary role sees it`);
          // Shown by SHOW but not in pg_settings (GUC_NO_SHOW_ALL): each read by the ordinary role.
          for (const name of [...PG_PUBLIC_SETTINGS].filter((n) => !every.includes(n))) {
            const known = (await adminQuery(server, `SELECT current_setting('${name}', true) IS NOT NULL AS k`))[0]?.k;
            if (known) await client.query(`SELECT current_setting('${name}')`);
          }
        } finally { await client.end(); }
      } finally { await server.stop(); }
    });
  }
});
