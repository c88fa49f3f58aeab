// A proven PostgreSQL read is sent only when the server's own major's grammar reads the engine's text as the
// engine did (issue #45): 18's parser reads `'1' IS JSON` as a JSON predicate, 15's grammar has no such syntax. On
// real servers of both majors: refused on 15 before anything is sent, naming its grammar; run on 18.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { createExecutors } from '../../src/executors/index.js';
import type { ExecutorSet, SqlAction } from '../../src/executors/types.js';
import { testContext } from '../executors/context.js';

describe('a proven read, read by the grammar of the server\'s own major', { concurrency: true }, () => {
  for (const version of ['system', '18'] as const) {
    describe(`PostgreSQL ${version === 'system' ? 15 : 18}`, () => {
      let server: LabServer;
      let executors: ExecutorSet;
      const sql = (query: string, extra: Partial<SqlAction> = {}): SqlAction => ({ kind: 'sql', connection: 'db', url: server.url(), query, params: [], readOnly: true, ...extra });
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        executors = createExecutors();
      });
      after(async () => {
        await executors.close();
        await server.stop();
      });

      it(version === 'system' ? "SQL/JSON syntax 15's grammar lacks: refused, naming the major; the session goes on" : 'the same text: run', async () => {
        const r = await executors.execute(sql("SELECT '1' IS JSON AS j"), testContext());
        if (version === '18') {
          assert.equal(r.status, 'ok', r.error);
          assert.deepEqual(r.rows, [{ j: true }]);
          return;
        }
        assert.equal(r.status, 'failed');
        assert.match(r.error ?? '', /PostgreSQL 15's grammar does not read it/);
        const next = await executors.execute(sql('SELECT 1 AS n'), testContext());
        assert.deepEqual([next.status, next.rows], ['ok', [{ n: 1 }]], next.error);
      });
    });
  }
});
