// The read-only queries of the built-in runbooks (and the examples) are what the SQL classifier must keep
// accepting: each is proven read-only by its engine's parser and runs through the real read-only path (one
// statement, read-only transaction) on real PostgreSQL and MariaDB servers.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { readRunbook } from '../../src/language/runbook.js';
import { classifySql, type SqlEngine } from '../../src/language/sql/index.js';
import type { SqlActionDoc } from '../../src/language/schema.js';
import { pgbouncerBinary, startPgbouncer } from '../../src/lab/pgbouncer.js';
import { testContext } from '../executors/context.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Read { where: string; engine: SqlEngine; query: string; params: string[]; console: boolean }

/** Every SQL text of a step that is not destructive, per engine, with its params' templates. */
function builtinReads(): Read[] {
  const out: Read[] = [];
  for (const dir of ['runbooks', 'runbooks/examples']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.yaml') && !n.endsWith('.cases.yaml'))) {
      const { runbook, diagnostics } = readRunbook(join(ROOT, dir, f));
      assert.ok(runbook, `${f}: ${diagnostics.map((d) => d.message).join('; ')}`);
      for (const step of runbook.doc.steps) {
        if (step.destructive === true) continue;
        for (const sql of [step.sql, step.wait?.sql].filter((s): s is SqlActionDoc => s !== undefined)) {
          const params = (sql.params ?? []).map(String);
          const texts: [SqlEngine, string | undefined][] = typeof sql.query === 'string'
            ? [['postgres', sql.query]] // the examples' plain-string queries are PostgreSQL's
            : [['postgres', sql.query.postgres], ['mysql', sql.query.mysql]];
          // pool-exhausted's connection 'pooler' is PgBouncer's admin console: SHOW commands, run against a real PgBouncer below.
          const console = sql.connection === 'pooler';
          for (const [engine, query] of texts) if (query !== undefined) out.push({ where: `${f} ${step.id} (${engine})`, engine, query, params, console });
        }
      }
    }
  }
  return out;
}

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
