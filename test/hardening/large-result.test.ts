// "The record is never lost": a destructive UPDATE … RETURNING of far more data than a transcript line or the
// engine's memory can hold commits once, its step-finished is in the transcript with the rows bounded and the
// rest counted, and resume treats the step as finished. The CLI runs with a 96 MiB JavaScript heap while the
// statement returns 200 MB: had the rows been buffered (as the drivers do by default), it would have died out
// of memory. The 500 MB figure (time, peak RSS) is bench/'s (docs/performance.md, "Large results").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, finished, scratch, transcriptLines, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { NOT_CHECKED } from '../../src/engine/application-check.js';

const ROWS = 200;
const ROW_BYTES = 1_000_000;

const RUNBOOK = `name: returning
title: A destructive statement that returns 200 MB (UPDATE … RETURNING; MariaDB DELETE … RETURNING)
inputs:
  url: { required: true, secret: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: bump
    destructive: true
    sql:
      query:
        postgres: "UPDATE wide SET n = n + 1 RETURNING id, n, pad"
        mysql: "DELETE FROM wide RETURNING id, n, pad"
    capture: bumped
  - id: done
    end: resolved
    message: "\${{ bumped.rowCount }} rows, \${{ bumped.rowsOmitted }} omitted, first id \${{ bumped.rows[0].id }}"
`;

describe('a result far larger than memory or a transcript line', { concurrency: true }, () => {
  const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
  before(async () => {
    [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]);
    await adminQuery(servers.postgres, `CREATE TABLE wide AS SELECT i AS id, 0 AS n, repeat('x', ${ROW_BYTES}) AS pad FROM generate_series(1, ${ROWS}) AS i`);
    await adminQuery(servers.postgres, `GRANT ALL ON wide TO ${servers.postgres.appUser}`);
    await adminQuery(servers.mariadb, `CREATE TABLE ${servers.mariadb.database}.wide AS SELECT seq AS id, 0 AS n, REPEAT('x', ${ROW_BYTES}) AS pad FROM seq_1_to_${ROWS}`);
  });
  after(() => Promise.all(Object.values(servers).map((s) => s.stop())));

  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine}: 200 MB of rows with a 96 MiB heap: committed once, recorded bounded, not resumable as unfinished`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const server = servers[engine]!;
      const dir = scratch(t);
      const transcript = join(dir, 'run.jsonl');
      const r = await cli(['run', writeRunbook(dir, 'returning', RUNBOOK), '--plain', '--yes', '--transcript', transcript, '-i', `url=${server.url()}`],
        { env: { NODE_OPTIONS: '--max-old-space-size=96' } });
      assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr.slice(-2000));
      const lines = transcriptLines(transcript);
      const done = lines.find((l) => l.type === 'step-finished' && l.stepId === 'bump')?.result as
        { status: string; rowCount: number; rows: { id: number }[]; rowsOmitted: number; bytesOmitted: number };
      assert.equal(done?.status, 'ok');
      assert.equal(done.rowCount, ROWS);
      assert.ok(done.rows.length >= 1 && done.rows.length < ROWS, `kept ${done.rows.length} rows`);
      assert.equal(done.rows.length + done.rowsOmitted, ROWS);
      assert.ok(done.bytesOmitted >= done.rowsOmitted * ROW_BYTES);
      assert.equal(finished(lines)?.message, `${ROWS} rows, ${done.rowsOmitted} omitted, first id 1 ${NOT_CHECKED}`, 'captures see the bounded rows and the counts');
      if (engine === 'postgres') {
        assert.deepEqual(await adminQuery(server, 'SELECT min(n)::int AS lo, max(n)::int AS hi FROM wide'), [{ lo: 1, hi: 1 }], 'the UPDATE committed, once');
      } else {
        assert.deepEqual(await adminQuery(server, `SELECT count(*) AS n FROM ${server.database}.wide`), [{ n: 0 }], 'the DELETE committed');
      }
      const report = await cli(['report', transcript]);
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, new RegExp(`${ROWS} rows; ${done.rowsOmitted} not kept`), 'the report says rows were left out');
      const resumed = await cli(['resume', transcript, '--plain', '--yes', '-i', `url=${server.url()}`]);
      assert.equal(resumed.code, 2, 'a finished run is not resumed');
      assert.match(resumed.stderr, /already finished/);
    });
  }
});
