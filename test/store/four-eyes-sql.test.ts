// Four eyes on SQL steps, on both engines: the team store (PostgreSQL) holds the gate of a destructive statement
// on the application's database, PostgreSQL or MariaDB. Until a teammate approves, the statement has not run
// (the operator's own approval is refused); bob's approval runs it, once, recorded as his; a denial skips it.
// Which engine a step targets does not enter the gate: these prove it on real servers of each.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { cli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { fileLines, machineEnv, scratch, startCli, startStoreLab, tableExists, type StoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle

function runbook(dir: string, table: string): string {
  const file = join(dir, 'sql-four-eyes.yaml');
  writeFileSync(file, `name: sql-four-eyes
title: A statement a second person approves
inputs:
  url: { required: true, secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: look
    sql: { query: SELECT 1 AS one }
  - id: mark
    destructive: true
    approval: { by: another-person }
    blast_radius: one empty table the test made up
    sql: { query: "CREATE TABLE ${table} (id integer)" }
    on: { skipped: not-approved }
  - id: done
    end: resolved
    message: Marked.
  - id: not-approved
    end: escalate
    message: Not marked.
`);
  return file;
}


const answered = (file: string) => fileLines(file).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.type === 'confirmation-answered');

describe('four eyes on a SQL step', { timeout: E2E_TEST_LIMIT_MS, concurrency: true }, () => {
  let lab: StoreLab;
  const servers: Partial<Record<LabEngine, LabServer>> = {};
  before(async () => { [lab, servers.postgres, servers.mariadb] = await Promise.all([startStoreLab(), startPostgres(), startMariadb()]); });
  after(async () => { await Promise.all([lab?.stop(), servers.postgres?.stop(), servers.mariadb?.stop()]); });

  for (const engine of ['postgres', 'mariadb'] as const) {
    for (const decision of ['approved', 'denied'] as const) {
      it(`${engine}: the statement waits for a teammate, the operator cannot approve it; ${decision === 'approved' ? "bob's approval runs it once" : "carol's denial skips it"}`, async (t) => {
        const server = servers[engine]!;
        const dir = scratch(t);
        const table = `rb_four_eyes_${decision}_${Math.random().toString(36).slice(2, 8)}`;
        const transcript = join(dir, 't.jsonl');
        const driver = startCli(['run', runbook(dir, table), '--plain', '-i', `url=${server.url()}`, '--transcript', transcript], { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') });
        t.after(() => { driver.child.kill('SIGKILL'); });
        await until(() => existsSync(transcript) && fileLines(transcript).some((l) => l.includes('"type":"confirmation-requested"')), GUARD, 'the four-eyes gate');
        const runId = (JSON.parse(fileLines(transcript)[0]!) as { runId: string }).runId;
        await until(() => driver.err().includes(`runbook approve ${runId} mark`) || undefined, GUARD, 'the gate in the store');

        const self = cli(['approve', runId, 'mark', '--yes'], { env: { RUNBOOK_STORE: lab.url('alice') } });
        assert.equal(self.code, 2, self.stderr);
        assert.equal(await tableExists(server, table), false, 'nothing ran before a teammate decided');

        const answer = decision === 'approved'
          ? cli(['approve', runId, 'mark', '--yes'], { env: { RUNBOOK_STORE: lab.url('bob') } })
          : cli(['approve', runId, 'mark', '--deny', 'not now', '--yes'], { env: { RUNBOOK_STORE: lab.url('carol') } });
        assert.equal(answer.code, 0, answer.stderr);
        if (decision === 'approved') assert.match(answer.stdout, new RegExp(`CREATE TABLE ${table}`), 'the approver saw the statement');
        assert.equal(await driver.exit, decision === 'approved' ? 0 : 1, driver.err());
        assert.equal(await tableExists(server, table), decision === 'approved');
        const a = answered(transcript)!;
        assert.deepEqual([a.answer, a.how, a.approver], decision === 'approved' ? ['yes', 'four-eyes', 'bob'] : ['skip', 'four-eyes', 'carol']);
      });
    }
  }
});
