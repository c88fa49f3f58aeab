// The views a fresh install keeps in sys and mysql (src/db/mysql-stock-views.ts), compared with the lab's fresh
// MariaDB: the list the engine ships is the one a fresh install of this release has. A listing read (it makes
// the server prepare every view it lists) takes a view there for the server's own only when it is on that list
// with its definition, or its definition is proven a read: an administrator writes any definer, and a view of
// sys defined as mariadb.sys@localhost ran SET GLOBAL through information_schema.COLUMNS (a probe of stop 72).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { definitionPrint, stockRelease, stockViews } from '../../src/db/mysql-stock-views.js';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from './helpers.js';

describe('MariaDB: the server\'s own views a listing read prepares', () => {
  let server: LabServer;
  before(async () => { server = await startMariadb(); });
  after(() => server?.stop());

  it('the shipped list is a fresh install\'s, view by view', async (t) => {
    const v = ((await adminQuery(server, 'SELECT @@version AS v')) as { v: string }[])[0]!.v;
    const shipped = stockViews(v);
    if (!Object.keys(shipped).length) return t.skip(`no list shipped for MariaDB ${stockRelease(v)}: listing reads there prove each server view's definition`);
    const rows = await adminQuery(server, "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, VIEW_DEFINITION AS d FROM information_schema.VIEWS WHERE BINARY TABLE_SCHEMA IN ('sys', 'mysql')") as { s: string; n: string; d: string }[];
    assert.deepEqual(Object.fromEntries(rows.map((r) => [`${r.s}.${r.n}`, definitionPrint(r.d)]).sort()), Object.fromEntries(Object.entries(shipped).sort()));
  });

  const listing = (t: Parameters<typeof scratch>[0], url: string, query: string) => {
    const dir = scratch(t);
    return writeRunbook(dir, 'l', `name: l\ntitle: l\nconnections:\n  db: { url: ${JSON.stringify(url)} }\nsteps:\n  - id: s\n    sql: { query: ${JSON.stringify(query)} }\n    next: done\n  - { id: done, end: resolved }\n`);
  };

  it('a fresh install: a listing read as the administrator runs, dry and real', async (t) => {
    const file = listing(t, server.adminUrl(), 'SELECT COUNT(*) AS n FROM information_schema.COLUMNS');
    for (const args of [['--dry-run', '--yes'], []]) {
      const r = await cli(['run', file, '--plain', '--no-transcript', ...args]);
      assert.match(r.stdout, /ok\s+s\b/, r.stdout + r.stderr);
    }
  });

  it('a view an administrator put in sys with the server\'s definer: refused, dry and real, and its function never runs', async (t) => {
    await adminQuery(server, `CREATE FUNCTION sys.p62f() RETURNS CHAR(1) DETERMINISTIC SQL SECURITY DEFINER BEGIN SET GLOBAL max_connections = 777; RETURN '!'; END`);
    await adminQuery(server, "GRANT EXECUTE ON FUNCTION sys.p62f TO 'mariadb.sys'@'localhost'");
    await adminQuery(server, "CREATE DEFINER='mariadb.sys'@'localhost' SQL SECURITY DEFINER VIEW sys.p62w AS SELECT 'x' LIKE 'a' ESCAPE sys.p62f() AS c");
    await adminQuery(server, `GRANT SELECT ON sys.p62w TO ${server.appUser}@'%'`);
    const max = async () => Number(((await adminQuery(server, 'SELECT @@GLOBAL.max_connections AS m')) as { m: number }[])[0]?.m);
    await adminQuery(server, 'SET GLOBAL max_connections = 41');
    try {
      for (const [url, query] of [[server.url(), 'SELECT COUNT(*) AS n FROM information_schema.COLUMNS'], [server.url(), "SHOW TABLE STATUS FROM sys LIKE 'p62%'"],
        [server.adminUrl(), 'SELECT COUNT(*) AS n FROM information_schema.COLUMNS']] as const) {
        const file = listing(t, url, query);
        for (const args of [['--dry-run', '--yes'], []]) {
          const r = await cli(['run', file, '--plain', '--no-transcript', ...args]);
          assert.match(r.stdout + r.stderr, /prepares every view this read lists/, `${query}: ${r.stdout}${r.stderr}`);
          assert.equal(await max(), 41, `${query} (${args.join(' ') || 'real'}): the view's function ran`);
        }
      }
    } finally {
      await adminQuery(server, 'DROP VIEW sys.p62w');
      await adminQuery(server, 'DROP FUNCTION sys.p62f');
    }
  });
});
