// A proven PostgreSQL read is sent only when the server's own major's grammar reads the engine's text as the
// engine did (issue #45): 18's parser reads `'1' IS JSON` as a JSON predicate, 15's grammar has no such syntax. On
// real servers of every major the lab has: refused on 15 before anything is sent, naming its grammar; run on 16 to 18;
// on 14, whose grammar the engine does not read, no proven read is sent at all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { createExecutors } from '../../src/executors/index.js';
import type { ExecutorSet, SqlAction } from '../../src/executors/types.js';
import { testContext } from '../executors/context.js';
import { majorOf, PG_MAJORS } from '../helpers/pg-majors.js';

describe('a proven read, read by the grammar of the server\'s own major', { concurrency: true }, () => {
  for (const version of PG_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, () => {
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

      const major = majorOf(version);
      // IS JSON is syntax from 16 on; 15's grammar has none of it. 14's grammar the engine does not read at all.
      it(major >= 16 ? 'IS JSON, syntax in its grammar: run' : major === 15 ? "SQL/JSON syntax 15's grammar lacks: refused, naming the major; the session goes on"
        : 'a major whose grammar the engine does not read: every proven read refused, naming it', async () => {
        const r = await executors.execute(sql("SELECT '1' IS JSON AS j"), testContext());
        if (major >= 16) {
          assert.equal(r.status, 'ok', r.error);
          assert.deepEqual(r.rows, [{ j: true }]);
          return;
        }
        assert.equal(r.status, 'failed');
        assert.match(r.error ?? '', major === 15 ? /PostgreSQL 15's grammar does not read it/ : /reads the grammars of PostgreSQL 15 to 18, and this server is PostgreSQL 14/);
        const next = await executors.execute(sql('SELECT 1 AS n'), testContext());
        if (major === 15) assert.deepEqual([next.status, next.rows], ['ok', [{ n: 1 }]], next.error);
        else assert.match(`${next.status} ${next.error ?? ''}`, /^failed .*PostgreSQL 14/, 'nothing proven is sent to 14');
      });
    });
  }
});
