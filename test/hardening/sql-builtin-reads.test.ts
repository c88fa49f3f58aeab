// The read-only queries of the built-in runbooks (and the examples) are what the SQL classifier must keep
// accepting: each is proven read-only by its engine's parser and runs through the real read-only path (one
// statement, read-only transaction) on real PostgreSQL and MariaDB servers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { classifySql } from '../../src/language/sql/index.js';
import { builtinReads } from './builtin-reads.js';
import { pgbouncerBinary, startPgbouncer } from '../../src/lab/pgbouncer.js';
import { testContext } from '../executors/context.js';

const reads = builtinReads();

it('the built-in runbooks hold read-only queries on both engines', () => {
  assert.ok(reads.filter((r) => r.engine === 'postgres').length >= 10, 'PostgreSQL reads');
  assert.ok(reads.filter((r) => r.engine === 'mysql').length >= 8, 'MySQL reads');
});

it('each is proven read-only by its engine\'s parser', () => {
  for (const r of reads) {
    const v = classifySql(r.query, r.engine);
    assert.deepEqual([v.readOnly, v.statements], [true, 1], `${r.where}: ${v.why}`);
  }
});

/** A value for a param template: a user name where it names one, else a number of minutes or an id. */
const paramValue = (template: string, server: LabServer) => (/\.user\b/.test(template) ? server.appUser : '1');

for (const [engine, start] of [['postgres', startPostgres], ['mysql', startMariadb]] as const) {
  describe(`each runs through the read-only path on ${engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'}`, () => {
    let server: LabServer;
    const executors = createExecutors();
    before(async () => { server = await start(); });
    after(async () => {
      await executors.close();
      await server.stop();
    });
    it('every query', async () => {
      const mine = reads.filter((r) => r.engine === engine && !r.console);
      for (const r of mine) {
        const url = server.url({ user: server.superuser }); // the runbooks ask for an admin URL for these
        const res = await executors.execute({
          kind: 'sql', connection: 'db', url, query: r.query, params: r.params.map((p) => paramValue(p, server)), readOnly: true,
        }, testContext());
        assert.equal(res.status, 'ok', `${r.where}: ${res.error}`);
      }
    });
  });
}

describe('the console commands run through the read-only path on PgBouncer', { skip: pgbouncerBinary() ? false : 'pgbouncer is not installed' }, () => {
  it('every SHOW of pool-exhausted on a real admin console', async () => {
    const consoles = reads.filter((r) => r.console);
    assert.ok(consoles.length >= 4, 'SHOW POOLS, CLIENTS, SERVERS, CONFIG');
    const server = await startPostgres();
    const pooler = await startPgbouncer(server);
    const executors = createExecutors();
    try {
      for (const r of consoles) {
        assert.match(r.query, /^SHOW [A-Z]+$/, r.where);
        const res = await executors.execute({ kind: 'sql', connection: 'pooler', url: pooler.adminUrl(), query: r.query, params: [], readOnly: true }, testContext());
        assert.equal(res.status, 'ok', `${r.where}: ${res.error}`);
      }
    } finally {
      await executors.close();
      await pooler.stop();
      await server.stop();
    }
  });
});
