// Probes of stop 71: a secret given to an SQL step as a bind parameter was withheld from every record of the run,
// but the server wrote it in clear: PostgreSQL with log_statement = all or log_min_duration_statement = 0 (`DETAIL:
// parameters: $1 = '…'`), MariaDB into the statement's text in its general and slow logs (and its process list).
// On such a server the step is now refused before the statement is sent. The oracle is each server's own log: the
// same step given a plain value writes it there (the harness sees the leak); given a secret, nothing is written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { labServerInfo, startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';

const runbook = (url: string, secret: boolean, query: { postgres: string; mysql: string }) => `name: params
title: Params
inputs:
  tok: { type: string, secret: ${secret} }
connections:
  db: { url: ${JSON.stringify(url)} }
steps:
  - id: q
    sql: { query: { postgres: ${JSON.stringify(query.postgres)}, mysql: ${JSON.stringify(query.mysql)} }, params: ["\${{ inputs.tok }}"] }
    next: done
    on: { error: done }
  - { id: done, end: resolved }
`;
const QUERY = { postgres: 'SELECT length($1::text) AS n', mysql: 'SELECT LENGTH(?) AS n' };

const pgClient = pg.Client;
const token = (random: () => number) => `tok${Math.floor(random() * 1e12).toString(36)}Z${Math.floor(random() * 1e9).toString(36)}`;

describe('a secret bind parameter is not sent to a server that would write it down', () => {
  let pg: LabServer;
  let maria: LabServer;
  before(async () => { [pg, maria] = await Promise.all([startPostgres(), startMariadb()]); });
  after(async () => { await Promise.all([pg?.stop(), maria?.stop()]); });

  const PG_SETTINGS = ["log_statement = 'all'", 'log_min_duration_statement = 0'];
  const MARIA_SETTINGS = ["general_log = 'ON'", "slow_query_log = 'ON'"];

  async function ran(t: Parameters<typeof scratch>[0], server: LabServer, secret: boolean, value: string, query = QUERY): Promise<{ code: number | null; stdout: string }> {
    const rb = writeRunbook(scratch(t), `p${Math.random().toString(36).slice(2)}`, runbook(server.url(), secret, query));
    const r = await cli(['run', rb, '--plain', '--no-transcript', '--input', `tok=${value}`]);
    return { code: r.code, stdout: r.stdout };
  }

  it('PostgreSQL: log_statement = all, log_min_duration_statement = 0 on the role: refused, and the log holds no secret', async (t) => {
    const random = rng(7101);
    const role = pg.appUser.replace(/"/g, '""');
    for (const setting of PG_SETTINGS) {
      await adminQuery(pg, `ALTER ROLE "${role}" SET ${setting}`);
      try {
        const plain = token(random);
        assert.match((await ran(t, pg, false, plain)).stdout, /ok\s+q/);
        await new Promise((r) => setTimeout(r, 300));
        assert.ok(labServerInfo(pg)!.log.includes(plain), `${setting}: the harness sees a plain value logged`);
        const secret = token(random);
        const r = await ran(t, pg, true, secret);
        // Refused: its error is the engine's, but a step given a secret has its error withheld (w shows it live).
        assert.match(r.stdout, /FAILED\s+q .*\*\*\*\*/, r.stdout);
        await new Promise((res) => setTimeout(res, 300));
        assert.ok(!labServerInfo(pg)!.log.includes(secret), `${setting}: the secret is in the server's log`);
      } finally { await adminQuery(pg, `ALTER ROLE "${role}" RESET ${setting.split(' ')[0]}`); }
    }
    // Nothing logs parameters: the secret goes as before.
    assert.match((await ran(t, pg, true, token(random))).stdout, /ok\s+q/);
  });

  // A probe of stop 73: debug_print_plan (any role may set it on itself) logs the plan with a bind parameter folded
  // into a constant, its bytes as decimals (`:constvalue 20 [ 80 0 0 0 72 85 …]`). The pin turns the three off.
  it('PostgreSQL: debug_print_plan on the role: the step runs, and the log holds no byte of the secret', async (t) => {
    const random = rng(7301);
    const role = pg.appUser.replace(/"/g, '""');
    const query = { postgres: 'SELECT concat($1::text, now()) AS t', mysql: QUERY.mysql };
    const bytes = (v: string) => [...Buffer.from(v)].join(' ');
    const logHas = (v: string) => labServerInfo(pg)!.log.replace(/\s+/g, ' ').includes(bytes(v));
    // (debug_print_parse and _rewritten print the statement before its parameters are folded in: pinned off too.)
    for (const setting of ['debug_print_plan']) {
      await adminQuery(pg, `ALTER ROLE "${role}" SET ${setting} = on`);
      await adminQuery(pg, `ALTER ROLE "${role}" SET debug_pretty_print = off`); // one line: within the lab's log tail
      try {
        // The harness: the application's own session, unpinned, logs a plain value's bytes.
        const plain = token(random);
        const client = new pgClient({ connectionString: pg.url() });
        await client.connect();
        try { await client.query(query.postgres, [plain]); } finally { await client.end(); }
        await new Promise((r) => setTimeout(r, 300));
        assert.ok(logHas(plain), `${setting}: the harness sees a plain value's bytes logged`);
        const secret = token(random);
        const rb = writeRunbook(scratch(t), `d${setting}`, runbook(pg.url(), true, query));
        const r = await cli(['run', rb, '--plain', '--no-transcript', '--input', `tok=${secret}`]);
        assert.match(r.stdout, /ok\s+q/, r.stdout);
        await new Promise((res) => setTimeout(res, 300));
        assert.ok(!logHas(secret), `${setting}: the secret's bytes are in the server's log`);
      } finally { await adminQuery(pg, `ALTER ROLE "${role}" RESET ${setting}`); await adminQuery(pg, `ALTER ROLE "${role}" RESET debug_pretty_print`); }
    }
  });

  it('MariaDB: the general log, the slow log: refused, and the log holds no secret', async (t) => {
    const random = rng(7102);
    await adminQuery(maria, "SET GLOBAL log_output = 'TABLE', long_query_time = 0");
    // Not counting this question itself, which the general log writes too.
    const logged = async (v: string) => Number((await adminQuery(maria, `SELECT (SELECT COUNT(*) FROM mysql.general_log WHERE argument LIKE '%${v}%' AND argument NOT LIKE '%general_log%')
      + (SELECT COUNT(*) FROM mysql.slow_log WHERE sql_text LIKE '%${v}%' AND sql_text NOT LIKE '%general_log%') AS n`))[0]?.n);
    for (const setting of MARIA_SETTINGS) {
      await adminQuery(maria, `SET GLOBAL ${setting}`);
      try {
        const plain = token(random);
        assert.match((await ran(t, maria, false, plain)).stdout, /ok\s+q/);
        assert.ok(await logged(plain) > 0, `${setting}: the harness sees a plain value logged`);
        const secret = token(random);
        const r = await ran(t, maria, true, secret);
        // Refused: its error is the engine's, but a step given a secret has its error withheld (w shows it live).
        assert.match(r.stdout, /FAILED\s+q .*\*\*\*\*/, r.stdout);
        assert.equal(await logged(secret), 0, `${setting}: the secret is in the server's log`);
      } finally { await adminQuery(maria, `SET GLOBAL ${setting.split(' ')[0]} = 'OFF'`); }
    }
    assert.match((await ran(t, maria, true, token(random))).stdout, /ok\s+q/);
  });

  // A probe of stop 80: MariaDB's own sql_errlog (INSTALL SONAME, an administrator's) is an audit plugin that writes
  // each statement's errors and warnings to sql_errors.log, and a warning quotes the value
  // (`Truncated incorrect DOUBLE value: '<the secret>'`), dry run too; general_log and the rest were off. Any audit
  // plugin but server_audit (whose logging its variable says) now refuses the step.
  it('MariaDB: an audit plugin (sql_errlog) loaded: refused, and its log holds no secret; server_audit not logging: sent', async (t) => {
    const random = rng(8001);
    const query = { postgres: QUERY.postgres, mysql: 'SELECT ? + 0 AS n' };
    const datadir = String((await adminQuery(maria, 'SELECT @@datadir AS d'))[0]?.d);
    const logHas = (v: string) => { try { return readFileSync(join(datadir, 'sql_errors.log'), 'utf8').includes(v); } catch { return false; } };
    await adminQuery(maria, "INSTALL SONAME 'sql_errlog'");
    try {
      const plain = token(random);
      await ran(t, maria, false, plain, query);
      assert.ok(logHas(plain), 'the harness sees a plain value in sql_errors.log');
      const secret = token(random);
      const r = await ran(t, maria, true, secret, query);
      assert.match(r.stdout, /FAILED\s+q .*\*\*\*\*/, r.stdout);
      assert.ok(!logHas(secret), 'the secret is in sql_errors.log');
    } finally { await adminQuery(maria, "UNINSTALL SONAME 'sql_errlog'"); }
    await adminQuery(maria, "INSTALL SONAME 'server_audit'");
    try {
      assert.match((await ran(t, maria, true, token(random), query)).stdout, /ok\s+q/);
    } finally { await adminQuery(maria, "UNINSTALL SONAME 'server_audit'"); }
  });
});
