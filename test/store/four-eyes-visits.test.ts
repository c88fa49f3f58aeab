// A four-eyes gate is one decision for one gate, not for its step for ever. A destructive step with
// `approval:` that the run comes back to (a loop, max_visits 2) asked the store for the first decision ever
// made on that step of that run: the one bob gave at the first visit. The second visit then ran at once, on bob's
// old word, with no second person seeing it (a four-eyes gate passed with nobody's decision for it). Now a
// decision names the gate visit it answers (issue #47; schema version 5): the second visit waits for a decision
// naming it, and runs on it; bob may decide it again (one decision per person per visit). A decision naming a
// visit the run no longer waits at is refused (RB013). The cut link is tmux-four-eyes.test.ts's.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { fileLines, machineEnv, rejection, scratch, startCli, startStoreLab, type Person, type StoreLab } from './helpers.js';

const GUARD = 60_000;
const FIXTURE = fileURLToPath(new URL('fixtures/four-eyes-loop.yaml', import.meta.url));
type L = { type: string; stepId?: string; seq: number; ts: string; approver?: string; decidedAt?: string; how?: string; gate?: string };

describe('four eyes at every visit of a step', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  const approve = (who: Person, runId: string) => cli(['approve', runId, 'terminate', '--yes'], { env: { RUNBOOK_STORE: lab.url(who) } });
  /** The store knows the run waits at the n-th gate of terminate (its line uploaded, not answered). */
  const gateStored = (runId: string, n: number) => until(async () => {
    const c = await lab.as('carol');
    try {
      const gates = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM runbook.events WHERE run_id = $1 AND event->>'type' = 'confirmation-requested'`, [runId]);
      const waiting = await c.query(`SELECT 1 FROM runbook.runs WHERE run_id = $1 AND waiting_gate = 'terminate'`, [runId]);
      return gates[0]!.n >= n && waiting.length > 0;
    } finally { await c.end(); }
  }, GUARD, `gate ${n} in the store`);

  it('the second visit waits for a decision naming it, and runs on that one; a decision naming the first is refused', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const driver = startCli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file], { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') });
    t.after(() => { driver.child.kill('SIGKILL'); });
    await until(() => existsSync(file) && fileLines(file).some((l) => l.includes('"type":"confirmation-requested"')), GUARD, 'the first gate');
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
    await gateStored(runId, 1);
    const first = approve('bob', runId);
    assert.equal(first.code, 0, first.stderr);
    // The run comes back to the gate; carol decides on this one.
    await until(() => fileLines(file).filter((l) => l.includes('"type":"confirmation-requested"')).length >= 2, GUARD, 'the second gate');
    const lines = () => fileLines(file).map((l) => JSON.parse(l) as L);
    const secondGate = lines().filter((l) => l.type === 'confirmation-requested')[1]!;
    const early = lines().filter((l) => l.type === 'confirmation-answered')[1];
    assert.equal(early, undefined, `the second visit was answered without a decision made for it: ${JSON.stringify(early)}`);
    await gateStored(runId, 2);
    await until(async () => {
      const c = await lab.as('carol');
      try { return (await c.query(`SELECT 1 FROM runbook.runs WHERE run_id = $1 AND waiting_visit = $2`, [runId, secondGate.gate])).length > 0; } finally { await c.end(); }
    }, GUARD, 'the second visit in the store');
    // A decision naming the first visit, which the run no longer waits at: refused by the database.
    const bobSql = await lab.as('bob');
    t.after(() => bobSql.end());
    const stale = await rejection(bobSql.query(`SELECT runbook.decide($1, 'terminate', $2, 'approved', NULL)`, [runId, lines().find((l) => l.type === 'confirmation-requested')!.gate]));
    assert.equal(stale.code, 'RB013', stale.message);
    assert.match(stale.message, /waits at another visit of the gate of terminate now/);
    // bob decides the second visit too: one decision per person per visit.
    const second = approve('bob', runId);
    assert.equal(second.code, 0, `${second.stderr}${second.stdout}`);
    assert.equal(await driver.exit, 0, driver.err());
    const answers = lines().filter((l) => l.type === 'confirmation-answered');
    assert.deepEqual(answers.map((a) => [a.how, a.approver, a.gate]), [['four-eyes', 'bob', lines().filter((l) => l.type === 'confirmation-requested')[0]!.gate], ['four-eyes', 'bob', secondGate.gate]]);
    assert.ok(Date.parse(answers[1]!.decidedAt!) >= Date.parse(secondGate.ts) - 1000, 'the second decision was made at the second gate');
    assert.deepEqual(readFileSync(join(dir, 'steps'), 'utf8').trim().split('\n'), ['terminate', 'terminate']);
  });

  it('one decision per gate: a second teammate deciding on a gate that has one is refused (it would be left for the next visit)', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const one = fileURLToPath(new URL('fixtures/four-eyes.yaml', import.meta.url));
    const driver = startCli(['run', one, '--plain', '-i', `dir=${dir}`, '--transcript', file], { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') });
    t.after(() => { driver.child.kill('SIGKILL'); });
    await until(() => existsSync(file) && fileLines(file).some((l) => l.includes('"type":"confirmation-requested"')), GUARD, 'the gate');
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
    await gateStored(runId, 1);
    const [bob, carol] = [await lab.as('bob'), await lab.as('carol')];
    t.after(async () => { await bob.end(); await carol.end(); });
    await bob.query(`SELECT runbook.decide($1, 'terminate', (SELECT waiting_visit FROM runbook.runs WHERE run_id = $1), 'approved', NULL)`, [runId]);
    // At once, or once the run took bob's and moved on: refused either way, never kept for a later gate.
    const second = await rejection(carol.query(`SELECT runbook.decide($1, 'terminate', (SELECT waiting_visit FROM runbook.runs WHERE run_id = $1), 'approved', NULL)`, [runId]));
    assert.ok(second.code === 'RB012' || second.code === 'RB011', `${second.code}: ${second.message}`);
    assert.equal(await driver.exit, 0, driver.err());
  });

  it('a decision on a step the run has not reached (made with SQL, past `runbook approve`) is refused by the database', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    writeFileSync(join(dir, 'steps'), '');
    // The first step waits at a gate of its own (terminate comes after): bob decides on terminate ahead of it.
    const rb = join(dir, 'ahead.yaml');
    writeFileSync(rb, readFileSync(fileURLToPath(new URL('fixtures/four-eyes.yaml', import.meta.url)), 'utf8').replace('steps:\n', `steps:
  - id: first
    destructive: true
    approval: { by: another-person }
    blast_radius: the test's marker file only
    shell: echo first >> \${{ inputs.dir }}/steps
    on: { skipped: not-approved }
`));
    const driver = startCli(['run', rb, '--plain', '-i', `dir=${dir}`, '--transcript', file], { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') });
    t.after(() => { driver.child.kill('SIGKILL'); });
    await until(() => existsSync(file) && fileLines(file).some((l) => l.includes('"type":"confirmation-requested"')), GUARD, 'the first gate');
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
    await until(async () => {
      const c = await lab.as('carol');
      try { return (await c.query(`SELECT 1 FROM runbook.runs WHERE run_id = $1 AND waiting_gate = 'first'`, [runId])).length > 0; } finally { await c.end(); }
    }, GUARD, 'the first gate in the store');
    const bob = await lab.as('bob');
    t.after(() => bob.end());
    const ahead = await rejection(bob.query(`SELECT runbook.decide($1, 'terminate', (SELECT waiting_visit FROM runbook.runs WHERE run_id = $1), 'approved', NULL)`, [runId]));
    assert.equal(ahead.code, 'RB011', ahead.message);
    assert.match(ahead.message, /does not wait at a gate of terminate now/);
    // The gate it waits at is decided as before.
    const first = cli(['approve', runId, 'first', '--yes'], { env: { RUNBOOK_STORE: lab.url('carol') } });
    assert.equal(first.code, 0, first.stderr);
    await gateStored(runId, 2);
    assert.ok(!readFileSync(join(dir, 'steps'), 'utf8').includes('terminate'), 'terminate waits for a decision of its own');
    const now = approve('bob', runId);
    assert.equal(now.code, 0, now.stderr);
    assert.equal(await driver.exit, 0, driver.err());
  });
});
