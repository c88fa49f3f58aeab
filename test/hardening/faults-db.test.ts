// Database faults in the middle of a run, through the real CLI: the server dies under a running query, the
// engine is SIGKILLed mid-query (then resumed), SIGINT/SIGTERM arrive while the server runs the query. Each
// ends in a state an operator can trust: a classified error, an intact transcript, the query cancelled on the
// server. (Faults that need no database: faults-local.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

/** A long query, tagged so that the server's session list tells this test's query from another's. */
const SLOW_SQL = (tag: string) => `name: slow-sql
title: A long query
inputs:
  url: { required: true, secret: true, type: url }
  seconds: { default: 60, type: number }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: before
    shell: echo started
  - id: slow
    sql:
      query: { postgres: "SELECT pg_sleep($1) AS slept, '${tag}' AS tag", mysql: "SELECT SLEEP(?) AS slept, '${tag}' AS tag" }
      params: ["\${{ inputs.seconds }}"]
    timeout: 5m
    on: { error: lost }
  - id: done
    end: resolved
  - id: lost
    end: escalate
    message: "\${{ steps.slow.classification }}: \${{ steps.slow.error }}"
`;

const stepStarted = (file: string, id: string) => transcriptLines(file).some((l) => l.type === 'step-started' && l.stepId === id);

/** Server-side sessions running this test's query (MariaDB shows it wrapped in SET STATEMENT … FOR). */
async function sleeping(server: LabServer, tag: string): Promise<number> {
  const rows = server.engine === 'postgres'
    ? await adminQuery(server, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1", [`%pg_sleep%${tag}%`])
    : await adminQuery(server, 'SELECT count(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND info NOT LIKE ?', [`%SLEEP%${tag}%`, '%processlist%']);
  return Number(rows[0]!.n);
}

describe('database faults mid-run', { concurrency: true }, () => {
  const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
  before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
  after(() => Promise.all(Object.values(servers).map((s) => s.stop())));

  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine} stops in the middle of a SQL step: a classified one-line error, an intact transcript`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const dir = scratch(t);
      const tag = `t${Math.random().toString(36).slice(2, 10)}`;
      const server = engine === 'postgres' ? await startPostgres() : await startMariadb(); // this one dies
      t.after(() => server.stop());
      const transcript = join(dir, 'run.jsonl');
      const run = cli(['run', writeRunbook(dir, 'slow', SLOW_SQL(tag)), '--plain', '--transcript', transcript, '-i', `url=${server.url()}`]);
      await until(() => stepStarted(transcript, 'slow'), 30_000, 'the query to start');
      await until(async () => (await sleeping(server, tag)) > 0, 10_000, 'the query on the server').catch(() => undefined);
      await server.stop();
      const r = await run;
      const lines = transcriptLines(transcript);
      const end = finished(lines);
      assert.equal(end?.outcome, 'escalate', `${r.stdout}\n${r.stderr}`);
      const result = lines.find((l) => l.type === 'step-finished' && l.stepId === 'slow')?.result as { status: string; classification?: string; error?: string; durationMs: number; withheld?: { because: string[] } };
      assert.equal(result.status, 'failed');
      // The engine noticed the server go away rather than waiting out the step's 60 s sleep.
      assert.ok(result.durationMs < 60_000, `ended when the server went: ${JSON.stringify(result)}`);
      // connection-lost, not timeout. Unless the server died before it could say what the read reaches (MariaDB's
      // question after the statement): the step is then withheld as given a secret, which records its status
      // alone since stop 80 (language/results.ts SHOWN_OF_GIVEN).
      if (result.withheld) assert.match(result.withheld.because.join(), /could not say/, JSON.stringify(result));
      else assert.equal(result.classification, 'connection-lost', `classified: ${JSON.stringify(result)}`);
      assert.ok(result.error && !result.error.includes('\n'), `one-line error: ${JSON.stringify(result.error)}`);
      const report = await cli(['report', transcript]);
      assert.equal(report.code, 0, report.stderr);
    });
  }

  test('SIGKILL mid-SQL-step: the transcript reads back and `runbook resume` finishes without rerunning finished steps', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const tag = `t${Math.random().toString(36).slice(2, 10)}`;
    const server = servers.postgres!;
    const transcript = join(dir, 'run.jsonl');
    const runbook = writeRunbook(dir, 'slow', SLOW_SQL(tag));
    const run = cli(['run', runbook, '--plain', '--transcript', transcript, '-i', `url=${server.url()}`]);
    await until(() => stepStarted(transcript, 'slow'), 30_000, 'the query to start');
    run.child.kill('SIGKILL');
    assert.equal((await run).signal, 'SIGKILL');
    const lines = transcriptLines(transcript);
    assert.equal(finished(lines), undefined);
    const report = await cli(['report', transcript]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /interrupted/);
    // The URL is a secret input: resume needs it again. The step in flight runs again, quickly this time: another
    // input value than the run's, which a resume takes only with --retarget (every destructive step asks again; none here).
    const resumed = await cli(['resume', transcript, '--plain', '--retarget', '-i', `url=${server.url()}`, '-i', 'seconds=0']);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    const after = transcriptLines(transcript);
    assert.equal(finished(after)?.outcome, 'resolved');
    const starts = (id: string) => after.filter((l) => l.type === 'step-started' && l.stepId === id).length;
    assert.equal(starts('before'), 1, 'a finished step never runs again');
    assert.equal(starts('slow'), 2);
  });

  for (const [engine, signal] of [['postgres', 'SIGINT'], ['mariadb', 'SIGTERM']] as const) {
    // SIGINT is the operator's abort; SIGTERM (a supervisor, a shutdown) an interruption that resume continues.
    const [code, outcome] = signal === 'SIGINT' ? [130, 'aborted'] : [75, 'interrupted'];
    test(`${signal} during a ${engine} query: the query is cancelled on the server, the transcript says ${outcome}`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const dir = scratch(t);
      const tag = `t${Math.random().toString(36).slice(2, 10)}`;
      const server = servers[engine]!;
      const transcript = join(dir, 'run.jsonl');
      const run = cli(['run', writeRunbook(dir, 'slow', SLOW_SQL(tag)), '--plain', '--transcript', transcript, '-i', `url=${server.url()}`]);
      await until(() => stepStarted(transcript, 'slow'), 30_000, 'the query to start');
      await until(async () => (await sleeping(server, tag)) > 0, 10_000, 'the query on the server');
      run.child.kill(signal);
      const r = await run;
      assert.equal(r.code, code, r.stdout + r.stderr);
      assert.equal(finished(transcriptLines(transcript))?.outcome, outcome);
      // Cancelled, not merely abandoned: the server is not still sleeping for the rest of the minute.
      // Hang guard: idle value ~0.1 s; an abandoned query would sleep on for 600 s.
      await until(async () => (await sleeping(server, tag)) === 0, 30_000, 'the server to stop running the query');
    });
  }

});
