// One driver per run, on a real PostgreSQL store, each "machine" a process with its own home directory (its
// own transcripts and run state), in the run's working directory: the driver killed (-9) while its four-eyes gate waits,
// the run resumed by id on a second machine from the store's copy, with no step run again and the approval
// given meanwhile kept; a second driver refused while the first lives, naming its host and when it was last
// heard from; a takeover of a driver frozen by SIGSTOP, which, continued, stops without acting.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { fetchedPath } from '../../src/resume/lease.js';
import { fileLines, machineEnv, scratch, startCli, startStoreLab, type Person, type StoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle
const FIXTURE = fileURLToPath(new URL('fixtures/four-eyes.yaml', import.meta.url));
const lines = (file: string) => fileLines(file).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('one driver per run', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  const env = (home: string, who: Person = 'alice') => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url(who) });
  const steps = (dir: string) => (existsSync(join(dir, 'steps')) ? readFileSync(join(dir, 'steps'), 'utf8').trim().split('\n') : []);
  const run = async (runId: string) => {
    const c = await lab.as('carol');
    try { return (await c.query<{ driver_epoch: number; state: string; waiting_gate: string | null; waiting_visit: string | null; driver_host: string }>('SELECT * FROM runbook.runs WHERE run_id = $1', [runId]))[0]; } finally { await c.end(); }
  };
  const approve = async (runId: string) => {
    const bob = startCli(['approve', runId, 'terminate', '--yes'], env(process.cwd(), 'bob'));
    assert.equal(await bob.exit, 0, bob.err());
  };

  /** alice's first machine drives the fixture to its four-eyes gate, stored. */
  async function toGate(t: TestContext) {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const driver = startCli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file], env(dir), dir);
    t.after(() => { driver.child.kill('SIGCONT'); driver.child.kill('SIGKILL'); });
    await until(() => lines(file).some((l) => l.type === 'confirmation-requested'), GUARD, 'the four-eyes gate');
    const runId = (lines(file)[0] as { runId: string }).runId;
    await until(async () => (await run(runId))?.waiting_gate === 'terminate', GUARD, 'the gate in the store');
    return { dir, file, driver, runId };
  }

  it('kill -9 at the approval wait, resume by id on a second machine: nothing runs twice, the gate is a new visit that needs its own decision', async (t) => {
    const { dir, driver, runId } = await toGate(t);
    driver.child.kill('SIGKILL');
    await driver.exit;
    await approve(runId); // given while nobody drives the run: for the visit the dead driver waited at

    // Another machine: its own home and state, no transcript; the same working directory (a resume acts where
    // the run started, docs/reliability.md), as a team's shared checkout path gives it.
    const second = scratch(t);
    const resumed = startCli(['resume', runId.slice(0, 8), '--plain', '--retarget'], env(second), dir); // another machine's HOME: --retarget
    // The resume asks at the gate again (a new visit): the decision made for the dead driver's visit does not answer it.
    const first = (lines(join(dir, 't.jsonl')).find((l) => l.type === 'confirmation-requested') as { gate: string }).gate;
    await until(async () => { const v = (await run(runId))?.waiting_visit; return !!v && v !== first; }, GUARD, 'the resumed gate in the store')
      .catch((e: Error) => { throw new Error(`${e.message}: ${resumed.err()}`); });
    await new Promise((r) => setTimeout(r, 1500)); // more than the waiter's poll
    assert.deepEqual(steps(dir), ['look'], 'the old visit\'s decision did not run the resumed gate');
    await approve(runId);
    assert.equal(await resumed.exit, 0, resumed.err());
    assert.match(resumed.err(), /resuming run \S+ from the store's copy of its transcript/);
    assert.deepEqual(steps(dir), ['look', 'terminate'], 'look ran once (before the kill), terminate once (after the resume)');
    const copy = lines(fetchedPath(runId, dir));
    assert.ok(copy.some((l) => l.type === 'resumed'));
    const answer = copy.find((l) => l.type === 'confirmation-answered');
    assert.deepEqual([answer?.how, answer?.approver], ['four-eyes', 'bob']);
    assert.equal(copy.filter((l) => l.type === 'step-started' && l.stepId === 'look').length, 1, 'look is not started again');
    const stored = await run(runId);
    assert.deepEqual([stored?.driver_epoch, stored?.state], [2, 'resolved']);
    // The store holds the second machine's transcript line for line: one chain from the first driver's lines on.
    const c = await lab.as('carol');
    t.after(() => c.end());
    const inStore = (await c.query<{ line: string }>('SELECT line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [runId])).map((r) => r.line);
    assert.deepEqual(inStore, fileLines(fetchedPath(runId, dir)));
  });

  it('a second driver is refused; SIGSTOP, --takeover, SIGCONT: the old driver stops without acting', async (t) => {
    const { dir, file, driver, runId } = await toGate(t);
    const second = scratch(t);
    const refused = startCli(['resume', runId, '--plain'], env(second), second);
    assert.equal(await refused.exit, 2, refused.err());
    assert.match(refused.err(), new RegExp(`refusing to resume: run ${runId} is being driven by alice on ${hostname()} \\(last heard from \\d+ s ago\\).*--takeover`));

    driver.child.kill('SIGSTOP');
    // Approved while the old driver is frozen: continued, it would see the approval and run the step, if it could.
    await approve(runId);
    const oldVisit = (await run(runId))?.waiting_visit;
    const taker = startCli(['resume', runId, '--plain', '--takeover', '--retarget'], env(second), dir);
    // The taker's gate is a visit of its own: it needs a decision naming it.
    await until(async () => { const v = (await run(runId))?.waiting_visit; return !!v && v !== oldVisit; }, GUARD, "the taker's gate in the store");
    await approve(runId);
    assert.equal(await taker.exit, 0, taker.err());
    assert.match(taker.err(), new RegExp(`--takeover: run ${runId} taken over from alice on ${hostname()} \\(last heard from \\d+ s before\\)`));
    assert.deepEqual(steps(dir), ['look', 'terminate'], 'the new driver ran the step once');

    driver.child.kill('SIGCONT');
    assert.equal(await driver.exit, 75, driver.err());
    assert.match(driver.err(), /taken over/);
    assert.deepEqual(steps(dir), ['look', 'terminate'], 'the old driver ran nothing after it was continued');
    assert.ok(!lines(file).some((l) => l.type === 'step-finished' && l.stepId === 'terminate' && l.status === 'ok'), 'nor recorded running it');
    const c = await lab.as('carol');
    t.after(() => c.end());
    const taken = await c.query<{ epoch: number; by_role: string; from_driver: string; from_host: string }>('SELECT * FROM runbook.takeovers WHERE run_id = $1', [runId]);
    assert.deepEqual(taken.map((r) => [r.epoch, r.by_role, r.from_driver, r.from_host]), [[2, 'alice', 'alice', hostname()]]);
  });
});
