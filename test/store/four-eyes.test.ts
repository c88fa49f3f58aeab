// Four eyes through the store, on a real PostgreSQL with one login role per person: the gate waits for a
// teammate's decision; the database names the approver and refuses the operator, a forged name, and an
// approver outside runbook_approvers; a denial skips the step; a store down at the gate is said and retried,
// and --break-glass is recorded, never a silent self-approval; a runbook-wide approval covers its destructive steps.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSwitchProxy, type SwitchProxy } from '../../src/lab/switch-proxy.js';
import { cli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { fileLines, machineEnv, rejection, scratch, startCli, startStoreLab, type Person, type StoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle
const FIXTURE = fileURLToPath(new URL('fixtures/four-eyes.yaml', import.meta.url));
const RUNBOOK_WIDE = fileURLToPath(new URL('fixtures/four-eyes-runbook.yaml', import.meta.url));
const answered = (file: string) => fileLines(file).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.type === 'confirmation-answered');

describe('four eyes', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  /** alice drives the fixture until its gate is in the store; returns the run id. */
  async function driveToGate(t: Parameters<typeof scratch>[0], extra: string[] = [], storeUrl = lab.url('alice'), fixture = FIXTURE) {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const driver = startCli(['run', fixture, '--plain', '-i', `dir=${dir}`, '--transcript', file, ...extra], { ...machineEnv(dir), RUNBOOK_STORE: storeUrl });
    t.after(() => { driver.child.kill('SIGKILL'); });
    await until(() => existsSync(file) && fileLines(file).some((l) => l.includes('"type":"confirmation-requested"')), GUARD, 'the four-eyes gate');
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
    return { dir, file, driver, runId };
  }
  const approve = (who: Person, runId: string, extra: string[] = []) =>
    cli(['approve', runId, 'terminate', '--yes', ...extra], { env: { RUNBOOK_STORE: lab.url(who) } });
  const gateStored = (runId: string) => until(async () => {
    const c = await lab.as('carol');
    try { return (await c.query(`SELECT 1 FROM runbook.runs WHERE run_id = $1 AND waiting_gate = 'terminate'`, [runId])).length > 0; } finally { await c.end(); }
  }, GUARD, 'the gate in the store');

  it('a teammate approves; the operator, a forged name and the driver are refused by the database', async (t) => {
    const { dir, file, driver, runId } = await driveToGate(t);
    await gateStored(runId);
    assert.match(driver.err(), new RegExp(`runbook approve ${runId} terminate`));

    const self = approve('alice', runId);
    assert.equal(self.code, 2, self.stderr);
    assert.match(self.stderr, /alice runs this run: a second person must decide/);
    const alice = await lab.as('alice');
    t.after(() => alice.end());
    assert.equal((await rejection(alice.query(`SELECT runbook.decide($1, 'terminate', (SELECT waiting_visit FROM runbook.runs WHERE run_id = $1), 'approved', NULL)`, [runId]))).code, 'RB006');

    // No one writes the table directly; even its owner cannot sign with another role's name.
    const bob = await lab.as('bob');
    t.after(() => bob.end());
    assert.match((await rejection(bob.query(`INSERT INTO runbook.approvals (run_id, step_id, approver, decision) VALUES ($1, 'terminate', 'carol', 'approved')`, [runId]))).message, /permission denied/);
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    assert.equal((await rejection(owner.query(`INSERT INTO runbook.approvals (run_id, step_id, approver, decision) VALUES ($1, 'terminate', 'carol', 'approved')`, [runId]))).code, 'RB004');
    assert.ok(!readFileSync(join(dir, 'steps'), 'utf8').includes('terminate'), 'nothing ran meanwhile');

    const ok = approve('bob', runId);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /echo terminate/, 'the approver saw the command');
    assert.match(ok.stdout, /blast radius: the test's marker file only/);
    assert.match(ok.stdout, new RegExp(`approved 'terminate' of run ${runId} as bob`));
    assert.equal(await driver.exit, 0, driver.err());
    assert.ok(readFileSync(join(dir, 'steps'), 'utf8').includes('terminate'));
    assert.deepEqual(pick(answered(file)), { answer: 'yes', how: 'four-eyes', approver: 'bob', by: answered(file)!.by });
    const again = approve('carol', runId);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /not waiting at a gate of 'terminate' now/);

    const report = cli(['report', file], { env: machineEnv(dir) });
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /approved by bob, \d\d:\d\d:\d\d/);
  });

  it('a denial skips the step, with its reason recorded', async (t) => {
    const { dir, file, driver, runId } = await driveToGate(t);
    await gateStored(runId);
    const no = approve('carol', runId, ['--deny', 'not during the batch']);
    assert.equal(no.code, 0, no.stderr);
    await driver.exit;
    assert.ok(!readFileSync(join(dir, 'steps'), 'utf8').includes('terminate'));
    assert.deepEqual(pick(answered(file)), { answer: 'skip', how: 'four-eyes', approver: 'carol', by: answered(file)!.by, reason: 'not during the batch' });
  });

  it('only members of runbook_approvers may approve, once that role exists', async (t) => {
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const { server } = lab;
    const { adminSql } = await import('../../src/lab/admin-sql.js');
    await adminSql(server, ['CREATE ROLE runbook_approvers NOLOGIN', 'GRANT runbook_approvers TO bob']);
    t.after(() => adminSql(server, ['DROP ROLE runbook_approvers']));
    const { driver, runId } = await driveToGate(t);
    await gateStored(runId);
    const carol = approve('carol', runId);
    assert.equal(carol.code, 2);
    assert.match(carol.stderr, /carol is not a member of runbook_approvers/);
    assert.equal(approve('bob', runId).code, 0);
    assert.equal(await driver.exit, 0, driver.err());
  });

  it('a dry run with the store: the four-eyes step is shown, never run, never waits for a decision, records none in the store', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    // The fixture's first step writes its marker, which the dry run's read-only sandbox refuses: a read instead.
    const runbook = join(dir, 'four-eyes-dry.yaml');
    writeFileSync(runbook, readFileSync(FIXTURE, 'utf8').replace(/    destructive: false\n    safe_because: .*\n    shell: echo look >> .*\n/, '    shell: echo look\n'));
    assert.doesNotMatch(readFileSync(runbook, 'utf8'), /echo look >>/);
    const r = cli(['run', runbook, '--plain', '--dry-run', '-i', `dir=${dir}`, '--transcript', file], { env: { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /skipped\s+terminate \(dry run, would run: echo terminate/);
    assert.ok(!existsSync(join(dir, 'steps')), 'the gated step did not run');
    // The gate is passed as a dry run's (shown, not run), never as a teammate's decision.
    const pass = answered(file);
    assert.equal(pass?.how, 'dry-run');
    assert.equal(pass?.approver, undefined);
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
    const c = await lab.as('carol');
    t.after(() => c.end());
    assert.deepEqual(await c.query('SELECT step_id FROM runbook.approvals WHERE run_id = $1', [runId]), []);
  });

  it("a runbook's approval: every destructive step waits for a teammate but one that says approval: false; others do not wait", async (t) => {
    // --yes approves every destructive step the operator may approve: drain (left out); terminate is not the operator's.
    const { dir, file, driver, runId } = await driveToGate(t, ['--yes'], lab.url('alice'), RUNBOOK_WIDE);
    await gateStored(runId);
    const events = () => fileLines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
    const requested = events().filter((e) => e.type === 'confirmation-requested');
    assert.deepEqual(requested.map((e) => [e.stepId, e.approval]), [['drain', undefined], ['terminate', { by: 'another-person' }]]);
    assert.equal(readFileSync(join(dir, 'steps'), 'utf8'), 'look\ndrain\n', 'the non-destructive and the left-out steps ran without a teammate; terminate waits');
    assert.match(driver.err(), new RegExp(`runbook approve ${runId} terminate`));

    const ok = approve('bob', runId);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(await driver.exit, 0, driver.err());
    assert.equal(readFileSync(join(dir, 'steps'), 'utf8'), 'look\ndrain\nterminate\n');
    const answers = events().filter((e) => e.type === 'confirmation-answered').map(pick);
    assert.deepEqual(answers.map((a) => [a.how, a.approver]), [['flag', undefined], ['four-eyes', 'bob']]);
  });

  describe('the store down at the gate', () => {
    let proxy: SwitchProxy;
    before(async () => { proxy = await startSwitchProxy({ host: '127.0.0.1', port: lab.server.port }, 'refuse'); });
    after(async () => { await proxy?.close(); });

    it('the gate says so and keeps trying; the approval given once it is back is taken', async (t) => {
      const { dir, file, driver } = await driveToGate(t, [], lab.url('alice', proxy.port));
      await until(() => /the store is unreachable .*still waits/.test(driver.err()), GUARD, 'the gate to say the store is unreachable');
      assert.ok(!readFileSync(join(dir, 'steps'), 'utf8').includes('terminate'));
      await proxy.set('forward');
      const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
      await gateStored(runId);
      assert.equal(approve('bob', runId).code, 0);
      assert.equal(await driver.exit, 0, driver.err());
      assert.equal(answered(file)!.approver, 'bob');
      await proxy.set('refuse');
    });

    it('--break-glass goes on, recorded with its reason', async (t) => {
      const { dir, file, driver } = await driveToGate(t, ['--break-glass', 'the store is down and the pool is full'], lab.url('alice', proxy.port));
      assert.equal(await driver.exit, 0, driver.err());
      assert.ok(readFileSync(join(dir, 'steps'), 'utf8').includes('terminate'));
      const a = answered(file)!;
      assert.deepEqual([a.answer, a.how, a.reason, a.approver], ['yes', 'break-glass', 'the store is down and the pool is full', undefined]);
      assert.match(driver.err(), /BREAK GLASS/);
    });
  });
});

function pick(l: Record<string, unknown> | undefined): Record<string, unknown> {
  const { answer, how, approver, by, reason } = l ?? {};
  return Object.fromEntries(Object.entries({ answer, how, approver, by, reason }).filter(([, v]) => v !== undefined));
}
