// `SHOW CREATE TABLE` of a FEDERATED table prints its `CONNECTION='mysql://user:password@…'` (stop 78 left it; a
// probe of stop 79 showed the password on the screen and in the transcript, from a vouched read of a table in mysql
// and from a gated step). Now the server's definition of a table whose engine keeps a connection string is a step
// given a secret, by where it comes from (db/mysql-connection-strings.ts), whatever the spelling. Generated (seed
// 79): spellings of the statement (case, backquotes, qualified or by the session's database, comments) over tables
// in mysql and in the application's database, read vouched or gated; the definitions of plain tables stay shown.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { assertNothingOf, finished } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;
const REMOTE_PW = 'Fd7remotePw3k';

interface Read { sql: string; gated: boolean }

/** One spelling of SHOW CREATE TABLE for a table; unqualified only where the session's database holds it. */
function spelled(next: () => number, schema: string, name: string): string {
  const q = (s: string) => (next() < 0.5 ? `\`${s}\`` : s);
  const target = schema === 'app_db' && next() < 0.5 ? q(name) : `${q(schema)}.${q(name)}`;
  const show = pick(next, ['SHOW CREATE TABLE', 'show create table', 'Show Create /* c */ Table', 'SHOW\nCREATE TABLE']);
  return `${show} ${target}`;
}

function runbook(url: string, reads: Read[]): string {
  const lines = ['name: fed', 'title: Connection strings', 'connections:', `  a: { url: ${JSON.stringify(url)} }`, 'steps:'];
  reads.forEach((r, i) => {
    const next = i + 1 < reads.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: a, query: ${JSON.stringify(r.sql)} }`,
      ...(r.gated ? ['    destructive: true'] : ['    destructive: false', '    safe_because: the owner says it only reads']),
      `    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

describe("the connection string in a FEDERATED table's definition", () => {
  let server: LabServer;
  const reads: Read[] = [];
  const plain: Read[] = [];
  before(async () => {
    server = await startMariadb();
    const port = new URL(server.adminUrl()).port;
    await adminQuery(server, "INSTALL SONAME 'ha_federatedx'");
    await adminQuery(server, 'CREATE DATABASE remote_db');
    await adminQuery(server, 'CREATE TABLE remote_db.t (a INT)');
    await adminQuery(server, `CREATE USER remote@'%' IDENTIFIED BY '${REMOTE_PW}'`);
    await adminQuery(server, "GRANT SELECT ON remote_db.* TO remote@'%'");
    await adminQuery(server, `CREATE SERVER srv FOREIGN DATA WRAPPER mysql OPTIONS (HOST '127.0.0.1', PORT ${port}, USER 'remote', PASSWORD '${REMOTE_PW}', DATABASE 'remote_db')`);
    const tables: [string, string][] = [];
    for (const [i, schema] of ['mysql', 'app_db', 'mysql', 'app_db'].entries()) {
      const connection = i < 2 ? `mysql://remote:${REMOTE_PW}@127.0.0.1:${port}/remote_db/t` : 'srv/t';
      await adminQuery(server, `CREATE TABLE ${schema}.fed_${i} (a INT) ENGINE=FEDERATED CONNECTION='${connection}'`);
      tables.push([schema, `fed_${i}`]);
    }
    await adminQuery(server, 'CREATE TABLE app_db.plain (a INT) ENGINE=InnoDB');
    const next = rng(79);
    for (let i = 0; i < 24; i++) {
      const [schema, name] = pick(next, tables);
      // A vouched read of an application's FEDERATED table is refused (its engine locks the table): gated there.
      reads.push({ sql: spelled(next, schema, name), gated: schema === 'app_db' || next() < 0.5 });
    }
    plain.push({ sql: 'SHOW CREATE TABLE plain', gated: false }, { sql: 'SHOW CREATE TABLE mysql.db', gated: true });
  });
  after(async () => { await server?.stop(); });

  it('24 generated reads (seed 79): the password nowhere, dry and real; plain tables shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
    const all = [...reads, ...plain];
    const dir = scratch(t);
    const file = writeRunbook(dir, 'fed', runbook(server.adminUrl(), all));
    const v = await cli(['validate', file], { cwd: dir });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    for (const dry of [false, true]) {
      const transcript = join(dir, `t-${dry}.jsonl`);
      // The gated reads approved, as an operator at the gate would.
      const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, ...(dry ? ['--dry-run'] : [])], { cwd: dir });
      assert.ok(existsSync(transcript), r.stdout + r.stderr);
      const recorded = readFileSync(transcript, 'utf8');
      assertNothingOf([REMOTE_PW], r, recorded, dry);
      if (dry) continue;
      const given = reads.map((read, i) => [read, finished(recorded, `r${i}`)] as const);
      assert.deepEqual(given.filter(([, f]) => f?.status !== 'ok' || !f.withheld?.because?.some((b) => /connection string/.test(b)))
        .map(([read, f]) => `${read.sql}: ${f?.status} ${JSON.stringify(f?.withheld)} ${f?.error}`), [], 'each ran, withheld as a connection string');
      for (const [i] of plain.entries()) {
        const f = finished(recorded, `r${reads.length + i}`);
        assert.equal(f?.status, 'ok');
        assert.match(JSON.stringify(f?.rows), /CREATE TABLE/, 'a plain definition shown');
      }
    }
  });
});
