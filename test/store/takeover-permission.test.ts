// Taking over a run is a permission, and the lease decides when (issue #47, schema version 6). alice's driver
// is killed (-9: its lock goes with it). With the role runbook_operators in the store, bob (not a member) may
// not take the run over, with --takeover or without; carol (a member) resumes it with a plain `resume <id>`,
// as docs/team.md shows, and the store records that she took it over from alice.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { adminSql } from '../../src/lab/admin-sql.js';
import { driveToHold, FIXTURE, fileLines, fixtureSteps, machineEnv, scratch, startCli, startStoreLab, type Person, type StoreLab } from './helpers.js';

const GUARD = 60_000;

describe('taking over a run is for runbook_operators', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => {
    lab = await startStoreLab();
    await adminSql(lab.server, ['CREATE ROLE runbook_operators NOLOGIN', 'GRANT runbook_operators TO carol']);
  });
  after(async () => { await lab?.stop(); });

  const env = (home: string, who: Person) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url(who) });

  it("a non-operator's resume or --takeover of another's run is refused; an operator's plain resume takes it over, recorded", async (t) => {
    const { dir, file, runId, driver } = await driveToHold(t, lab, (home) => env(home, 'alice'));
    const c = await lab.as('rb_owner');
    t.after(() => c.end());
    driver.child.kill('SIGKILL');
    await driver.exit;
    writeFileSync(join(dir, 'go-hold'), '');
    writeFileSync(join(dir, 'go-three'), '');

    for (const flags of [[], ['--takeover']]) {
      const bob = startCli(['resume', runId, '--plain', '--retarget', '--approve', 'hold', ...flags], env(scratch(t), 'bob'), dir);
      assert.equal(await bob.exit, 2, bob.err());
      assert.match(bob.err(), new RegExp(`refusing to resume: bob may not take over run ${runId} from alice: taking over a run is for members of runbook_operators`));
    }
    assert.equal((await c.query('SELECT 1 FROM runbook.takeovers WHERE run_id = $1', [runId])).length, 0, 'no takeover recorded');
    assert.deepEqual(fixtureSteps(dir), ['one', 'two', 'hold'], 'nothing ran on a refusal');

    const carol = startCli(['resume', runId, '--plain', '--retarget', '--approve', 'hold'], env(scratch(t), 'carol'), dir); // her own HOME: --retarget
    assert.equal(await carol.exit, 0, carol.err());
    assert.match(carol.err(), new RegExp(`run ${runId} taken over from alice on \\S+ \\(last heard from \\d+ s before\\), as carol; recorded in the store`));
    assert.ok(fixtureSteps(dir).includes('three'), fixtureSteps(dir).join(' '));
    const rows = await c.query<{ by_role: string; from_driver: string }>('SELECT by_role, from_driver FROM runbook.takeovers WHERE run_id = $1', [runId]);
    assert.deepEqual(rows.map((r) => [r.by_role, r.from_driver]), [['carol', 'alice']]);
    const run = (await c.query<{ driver: string; state: string }>('SELECT driver, state FROM runbook.runs WHERE run_id = $1', [runId]))[0]!;
    assert.deepEqual([run.driver, run.state], ['carol', 'resolved']);
  });
});
