// A driver cut off from its team store, with SQL steps on both engines: a statement proven to only read (the SQL
// classifier's verdict) runs at once, a destructive statement waits until the store confirms this driver still
// holds the run, then runs once (partition.test.ts has the same with shell steps, and the takeover cases).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { fileLines, machineEnv, scratch, startCli, startStoreLabWithProxy, tableExists, type ProxiedStoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle
const WAITS = /a step that may change the target \(destructive, or vouched for, not proven to only read\) waits: the store cannot confirm that this driver still holds the run/;

function runbook(dir: string, table: string): string {
  const file = join(dir, 'partition-sql.yaml');
  writeFileSync(file, `name: partition-sql
title: A destructive statement behind a read, cut off from the store
inputs:
  dir: { required: true }
  url: { required: true, secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: hold
    destructive: false
    safe_because: writes only the test's own marker file
    timeout: 10m
    shell: |
      echo hold >> \${{ inputs.dir }}/steps
      while [ ! -e \${{ inputs.dir }}/go-hold ]; do sleep 0.05; done
  - id: look
    sql: { query: "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${table}'" }
  - id: act
    destructive: true
    confirm: Create the table?
    blast_radius: one empty table the test made up
    sql: { query: "CREATE TABLE ${table} (id integer)" }
  - id: done
    end: resolved
    message: Created.
`);
  return file;
}


describe('a driver partitioned from its store, SQL steps', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: ProxiedStoreLab;
  const servers: Partial<Record<LabEngine, LabServer>> = {};
  before(async () => { [lab, servers.postgres, servers.mariadb] = await Promise.all([startStoreLabWithProxy(), startPostgres(), startMariadb()]); });
  after(async () => { await Promise.all([lab?.stop(), servers.postgres?.stop(), servers.mariadb?.stop()]); });

  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`${engine}: the read runs while cut off, the destructive statement waits, then runs once when the store answers`, async (t) => {
      const server = servers[engine]!;
      await lab.proxy.set('forward');
      const dir = scratch(t);
      const table = `rb_partition_${Math.random().toString(36).slice(2, 8)}`;
      const file = join(dir, 't.jsonl');
      const driver = startCli(['run', runbook(dir, table), '--plain', '--approve', 'act', '-i', `dir=${dir}`, '-i', `url=${server.url()}`, '--transcript', file],
        { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice', lab.proxy.port) });
      t.after(() => { driver.child.kill('SIGKILL'); });
      await until(() => existsSync(join(dir, 'steps')) && readFileSync(join(dir, 'steps'), 'utf8').includes('hold'), GUARD, 'the hold step to start');
      const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
      await until(async () => {
        const c = await lab.as('carol');
        try { return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM runbook.runs WHERE run_id = $1', [runId]))[0]!.n === 1; } finally { await c.end(); }
      }, GUARD, 'the run in the store');
      await lab.proxy.set('refuse');
      writeFileSync(join(dir, 'go-hold'), '');

      await until(() => WAITS.test(driver.err()), GUARD, 'the driver to wait at the destructive statement');
      const finished = (step: string) => fileLines(file).some((l) => l.includes('"type":"step-finished"') && l.includes(`"stepId":"${step}"`) && l.includes('"status":"ok"'));
      assert.ok(finished('look'), 'the proven read ran while the store could not be reached');
      assert.equal(await tableExists(server, table), false, 'the destructive statement did not run while cut off');

      await lab.proxy.set('forward');
      assert.equal(await driver.exit, 0, driver.err());
      assert.equal(await tableExists(server, table), true, 'it ran once the store answered');
      assert.equal(fileLines(file).filter((l) => l.includes('"type":"step-started"') && l.includes('"stepId":"act"')).length, 1, 'once');
    });
  }
});
